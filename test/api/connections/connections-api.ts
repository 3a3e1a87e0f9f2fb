import { afterAll, beforeAll, expect } from 'vitest';
import { setUpAdmin, type ApiClient, type ApiAnswer } from '../../helpers/api-client.js';
import { startTestService, type TestService } from '../../helpers/service.js';
import { startKits, type TokenKind, type TwinKit } from '../../helpers/twin-kits.js';

/** A problem as the API shows it. */
export interface ProblemView {
  code: string;
  message: string;
  at: string;
}

/** A connection as the API returns it. */
export interface ConnectionView {
  id: string;
  kind: string;
  name: string;
  baseUrl: string;
  target: string;
  status: 'connected' | 'pending' | 'needs_attention';
  statusReason: (ProblemView & { source: 'sync' | 'test' }) | null;
  hasToken: boolean;
  tokenUpdatedAt: string | null;
  hasCaCertificate: boolean;
  lastTest: TestReportView | null;
  lastSyncedAt: string | null;
  syncError: ProblemView | null;
  repositoryCount: number;
  organizations: { id: string; name: string; webUrl: string }[];
  webhook: {
    status: 'registered' | 'not_registered';
    problem: { code: string; message: string } | null;
    lastDeliveryAt: string | null;
    lastFailure: ProblemView | null;
    warning: string | null;
  } | null;
}

export interface CheckView {
  status: 'ok' | 'warn' | 'fail' | 'skipped';
  message: string;
  fix?: string;
  code?: string;
}

export interface TestReportView {
  ok: boolean;
  status: 'ok' | 'warn' | 'fail';
  checkedAt: string;
  reachable: CheckView;
  target: CheckView;
  scopes?: { granted: string[]; needed: string[]; missing: string[] };
  capabilities: (CheckView & { id: string; label: string })[];
}

export interface RepositoryView {
  id: string;
  connectionId: string;
  organizationId: string;
  name: string;
  fullName: string;
  defaultBranch: string | null;
  visibility: string;
  archived: boolean;
  webUrl: string;
  syncedAt: string;
}

export interface OrganizationView {
  id: string;
  connectionId: string;
  kind: string;
  name: string;
  webUrl: string;
  repositoryCount: number;
}

export interface JobView {
  id: string;
  kind: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  attempts: number;
  lastError: string | null;
  result: unknown;
}

export interface ErrorBody {
  code: string;
  message: string;
}

/** Environment every connection test starts the service with: twins on loopback, plain HTTP allowed. */
export const loopbackEnv = { SCM_CONNECT_ALLOWED_HOSTS: '127.0.0.1', SCM_CONNECT_ALLOW_HTTP: 'true' };

/** The service with the first admin signed in. */
export async function startWithAdmin(
  env: Record<string, string>,
): Promise<{ service: TestService; admin: ApiClient; accountId: string }> {
  const service = await startTestService(env, { workerPollMs: 50 });
  const { client, session } = await setUpAdmin(service);
  return { service, admin: client, accountId: session.currentAccountId! };
}

/** The service with an admin signed in and a twin of every token kind, as one file's tests share them. */
export interface ServiceWithKits {
  readonly service: TestService;
  readonly admin: ApiClient;
  readonly accountId: string;
  readonly kits: Record<TokenKind, TwinKit>;
}

/** Starts the twins and the service before the file's tests and closes both after them. */
export function useServiceWithKits(): ServiceWithKits {
  const world = {} as { -readonly [K in keyof ServiceWithKits]: ServiceWithKits[K] };
  let closeKits: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const started = await startKits();
    closeKits = started.close;
    world.kits = started.kits;
    Object.assign(world, await startWithAdmin({ ...loopbackEnv, ...started.env }));
  });
  afterAll(async () => {
    await world.service?.close();
    await closeKits?.();
  });
  return world;
}

/** A fresh account of the admin, so each test starts from an empty inventory. */
export async function newAccount(admin: ApiClient, name: string): Promise<string> {
  const created = await admin.post<{ id: string }>('/api/v1/accounts', { name });
  if (created.status !== 201) throw new Error(`account: ${created.status} ${created.text}`);
  return created.body.id;
}

export const connectionsPath = (accountId: string) => `/api/v1/accounts/${accountId}/connections`;

export function connect(
  admin: ApiClient,
  accountId: string,
  body: unknown,
): Promise<ApiAnswer<ConnectionView & ErrorBody>> {
  return admin.post<ConnectionView & ErrorBody>(connectionsPath(accountId), body);
}

/** Connects and insists on 201. */
export async function connectOk(admin: ApiClient, accountId: string, body: unknown): Promise<ConnectionView> {
  const answer = await connect(admin, accountId, body);
  if (answer.status !== 201) throw new Error(`connect: ${answer.status} ${answer.text}`);
  return answer.body;
}

export async function getConnection(
  admin: ApiClient,
  accountId: string,
  id: string,
): Promise<ConnectionView> {
  const answer = await admin.get<ConnectionView>(`${connectionsPath(accountId)}/${id}`);
  if (answer.status !== 200) throw new Error(`get connection: ${answer.status} ${answer.text}`);
  return answer.body;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for the sync Connect queued: `lastSyncedAt` set (or a sync error, which fails the test). */
export async function waitForFirstSync(
  admin: ApiClient,
  accountId: string,
  id: string,
  timeoutMs = 60_000,
): Promise<ConnectionView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await getConnection(admin, accountId, id);
    if (view.lastSyncedAt !== null) return view;
    if (Date.now() > deadline)
      throw new Error(`no sync of ${view.kind} within ${timeoutMs} ms: ${view.syncError?.message}`);
    await sleep(50);
  }
}

/** Sync now, then waits for the job to finish; returns the finished job. */
export async function syncNow(
  admin: ApiClient,
  accountId: string,
  id: string,
  timeoutMs = 60_000,
): Promise<JobView> {
  const queued = await admin.post<{ job: JobView }>(`${connectionsPath(accountId)}/${id}/sync`);
  if (queued.status !== 202) throw new Error(`sync: ${queued.status} ${queued.text}`);
  return waitForJob(admin, accountId, queued.body.job.id, timeoutMs);
}

/** Waits for a job of the account to finish; returns it finished. */
export async function waitForJob(
  admin: ApiClient,
  accountId: string,
  jobId: string,
  timeoutMs = 60_000,
): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await admin.get<JobView>(`/api/v1/accounts/${accountId}/jobs/${jobId}`);
    if (job.body.status !== 'queued' && job.body.status !== 'running') return job.body;
    if (Date.now() > deadline) throw new Error(`job still ${job.body.status} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

interface RepositoryPage {
  items: RepositoryView[];
  nextCursor: string | null;
  total: number;
}

/** Every repository matching `query`, following `nextCursor` page by page. */
export async function listAllRepositories(
  admin: ApiClient,
  accountId: string,
  query: Record<string, string> = {},
): Promise<{ items: RepositoryView[]; total: number; pages: number }> {
  const items: RepositoryView[] = [];
  let cursor: string | null = null;
  let total = 0;
  let pages = 0;
  do {
    const params: URLSearchParams = new URLSearchParams({
      limit: '500',
      ...query,
      ...(cursor ? { cursor } : {}),
    });
    const page: ApiAnswer<RepositoryPage> = await admin.get<RepositoryPage>(
      `/api/v1/accounts/${accountId}/repositories?${params}`,
    );
    if (page.status !== 200) throw new Error(`repositories: ${page.status} ${page.text}`);
    items.push(...page.body.items);
    total = page.body.total;
    cursor = page.body.nextCursor;
    pages += 1;
  } while (cursor);
  return { items, total, pages };
}

export async function listOrganizations(admin: ApiClient, accountId: string): Promise<OrganizationView[]> {
  const answer = await admin.get<{ items: OrganizationView[] }>(
    `/api/v1/accounts/${accountId}/organizations`,
  );
  if (answer.status !== 200) throw new Error(`organizations: ${answer.status} ${answer.text}`);
  return answer.body.items;
}

/** A refused Connect leaves no trace: no connection, no organization, no repository. */
export async function expectNothingStored(admin: ApiClient, accountId: string): Promise<void> {
  const list = await admin.get<{ items: ConnectionView[] }>(connectionsPath(accountId));
  expect(list.body.items).toEqual([]);
  expect(await listOrganizations(admin, accountId)).toEqual([]);
  expect((await listAllRepositories(admin, accountId)).total).toBe(0);
}

/** An error answer: `{code, message}`, JSON, and none of `secrets` anywhere in it. */
export function expectError(
  answer: ApiAnswer<unknown>,
  status: number,
  code: string | RegExp,
  secrets: readonly string[] = [],
): ErrorBody {
  expect({ status: answer.status, text: answer.text }).toMatchObject({ status });
  const body = answer.body as ErrorBody;
  if (typeof code === 'string') expect(body.code).toBe(code);
  else expect(body.code).toMatch(code);
  expect(typeof body.message).toBe('string');
  expect(body.message.length).toBeGreaterThan(0);
  for (const secret of secrets) expect(answer.text).not.toContain(secret);
  return body;
}
