import { isScalar, parseDocument, visit, type Scalar } from 'yaml';
import { loopbackEnv } from '../api/connections/connections-api.js';
import { waitFor } from '../api/github/github-world.js';
import { sarif } from '../api/scans/sarif-fixtures.js';
import { ApiClient, setUpAdmin } from '../helpers/api-client.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { startKit, type ConnectOverrides, type TwinKit } from '../helpers/twin-kits.js';
import type { BulkRun, BulkStep } from './github-bulk-world.js';

export type { BulkRun, BulkStep } from './github-bulk-world.js';

/** The token kinds with a CI writer: GitLab CI, Bitbucket Pipelines, Azure Pipelines. */
export type CiKitKind = 'gitlab' | 'bitbucket-cloud' | 'azure-devops';

const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** One kind's twin, the service with its first admin, and a synced token connection to the twin's target. */
export interface BulkCiWorld {
  readonly kit: TwinKit;
  readonly service: TestService;
  readonly api: ApiClient;
  readonly accountId: string;
  readonly connectionId: string;
  /** `/api/v1/accounts/{accountId}`. */
  readonly base: string;
  /** Repository ids by full name, as the inventory lists them. */
  readonly ids: Record<string, string>;
  startRun(fullNames: readonly string[], mode: 'pull-request' | 'direct'): Promise<BulkRun>;
  waitForEnd(runId: string, timeoutMs?: number): Promise<BulkRun>;
  steps(runId: string): Promise<BulkStep[]>;
  /** The account's API tokens as `GET …/tokens` lists them. */
  tokens(): Promise<{ id: string; name: string; role: string }[]>;
  /** Write requests (POST, PUT, PATCH, DELETE) the twin has answered so far. */
  scmWrites(): number;
  /** Uploads a SARIF log the way the CI job does, with `token` as the bearer; resolves with the status. */
  uploadScan(token: string, fullName: string, branch: string): Promise<number>;
  close(): Promise<void>;
}

export interface BulkCiWorldOptions {
  /** Changes the twin before the connection is made (repositories, files, tokens). */
  arrange?(kit: TwinKit): Promise<void> | void;
  connect?: ConnectOverrides;
}

/** Starts the kit of `kind`, the service on a fresh database, and connects them through the API. */
export async function startBulkCiWorld(
  kind: CiKitKind,
  options: BulkCiWorldOptions = {},
): Promise<BulkCiWorld> {
  const kit = await startKit(kind);
  let service: TestService | undefined;
  try {
    await options.arrange?.(kit);
    service = await startTestService({ ...loopbackEnv, ...kit.env });
    const { client: api, session } = await setUpAdmin(service);
    const accountId = session.currentAccountId!;
    const base = `/api/v1/accounts/${accountId}`;
    const connected = await api.post<{ id: string }>(`${base}/connections`, kit.connectBody(options.connect));
    if (connected.status !== 201) throw new Error(`connect: ${connected.status} ${connected.text}`);
    const connectionId = connected.body.id;
    await waitFor(async () => {
      const answer = await api.get<{ items: { id: string; lastSyncedAt: string | null }[] }>(
        `${base}/connections`,
      );
      return answer.body.items.find((c) => c.id === connectionId && c.lastSyncedAt !== null);
    }, 60_000);
    const listed = await api.get<{ items: { id: string; fullName: string }[] }>(
      `${base}/repositories?limit=500`,
    );
    const ids = Object.fromEntries(listed.body.items.map((item) => [item.fullName, item.id]));
    const running = service;
    return {
      kit,
      service: running,
      api,
      accountId,
      connectionId,
      base,
      ids,
      async startRun(fullNames, mode) {
        const repositoryIds = fullNames.map((name) => {
          const id = ids[name];
          if (!id) throw new Error(`no repository ${name} in ${Object.keys(ids).join(', ')}`);
          return id;
        });
        const answer = await api.post<BulkRun>(`${base}/ci-jobs`, { repositoryIds, mode });
        if (answer.status !== 202) throw new Error(`start: ${answer.status} ${answer.text}`);
        return answer.body;
      },
      waitForEnd: (runId, timeoutMs = 60_000) =>
        waitFor(async () => {
          const run = (await api.get<BulkRun>(`${base}/ci-jobs/${runId}`)).body;
          return ['succeeded', 'failed', 'cancelled'].includes(run.status) ? run : undefined;
        }, timeoutMs),
      async steps(runId) {
        const answer = await api.get<{ items: BulkStep[] }>(
          `${base}/ci-jobs/${runId}/repositories?limit=500`,
        );
        return answer.body.items;
      },
      async tokens() {
        const answer = await api.get<{ items: { id: string; name: string; role: string }[] }>(
          `${base}/tokens`,
        );
        if (answer.status !== 200) throw new Error(`tokens: ${answer.status} ${answer.text}`);
        return answer.body.items;
      },
      scmWrites: () => kit.twin.log.filter((r) => writeMethods.has(r.method)).length,
      async uploadScan(token, fullName, branch) {
        const ci = new ApiClient(running.url);
        ci.bearer = token;
        const query = new URLSearchParams({ repository: fullName, commit: 'a'.repeat(40), branch });
        const answer = await ci.call('POST', `${base}/scans?${query}`, sarif({ tool: 'ci-tool' }), {
          'content-type': 'application/sarif+json',
        });
        return answer.status;
      },
      async close() {
        await running.close();
        await kit.close();
      },
    };
  } catch (error) {
    await service?.close();
    await kit.close();
    throw error;
  }
}

/** Parses a CI file, throwing on any YAML error (a file the CI system could not read either). */
export function parseCiFile(content: string): unknown {
  const doc = parseDocument(content, { uniqueKeys: true });
  if (doc.errors.length > 0) throw new Error(`YAML errors: ${doc.errors.map((e) => e.message).join('; ')}`);
  return doc.toJS() as unknown;
}

/**
 * Where `text` occurs in the file's scalars: each one must be a quoted scalar holding exactly `text` (a branch
 * filter or key), never part of a script, a plain scalar or an expression. Resolves with how many there are.
 */
export function quotedOccurrences(content: string, text: string): number {
  const doc = parseDocument(content);
  if (doc.errors.length > 0) throw new Error(`YAML errors: ${doc.errors.map((e) => e.message).join('; ')}`);
  const found: Scalar[] = [];
  visit(doc, {
    Scalar(_key, node) {
      if (String(node.value).includes(text)) found.push(node);
    },
  });
  for (const node of found) {
    if (
      !isScalar(node) ||
      String(node.value) !== text ||
      !['QUOTE_DOUBLE', 'QUOTE_SINGLE'].includes(node.type ?? '')
    ) {
      throw new Error(
        `${JSON.stringify(text)} appears as ${node.type ?? 'a scalar'}: ${JSON.stringify(node.value)}`,
      );
    }
  }
  return found.length;
}

/** The comment text of each line of `content` that has one (from `#` on, trimmed). */
export function commentsOf(content: string): string[] {
  return content
    .split('\n')
    .map((line) => /(?:^|\s)(#.*)$/.exec(line)?.[1]?.trim())
    .filter((comment): comment is string => comment !== undefined);
}

/** Every value under a key named `key`, anywhere in a parsed YAML document. */
export function valuesAt(node: unknown, key: string): unknown[] {
  if (Array.isArray(node)) return node.flatMap((item) => valuesAt(item, key));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([k, v]) => [...(k === key ? [v] : []), ...valuesAt(v, key)]);
}
