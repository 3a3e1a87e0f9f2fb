import { createHmac, randomUUID } from 'node:crypto';
import { request } from 'undici';
import { expect } from 'vitest';
import { insertConnection } from '../../../src/db/connections.js';
import type { WebhookKind } from '../../../src/scm/webhook-receiver.js';
import { createWebhookEndpoint, webhookPath } from '../../../src/webhooks/endpoints.js';
import { createLiveSecretBox } from '../../../src/secrets/live-secret-box.js';
import { ApiClient, setUpAdmin } from '../../helpers/api-client.js';
import { startTestService, type TestService } from '../../helpers/service.js';

/** Header values as sent: an array sends the header once per value. */
export type SentHeaders = Record<string, string | string[]>;

export interface Delivery {
  readonly headers: SentHeaders;
  readonly body: Buffer;
}

export interface Answer {
  readonly status: number;
  readonly text: string;
  readonly body: unknown;
}

export interface Endpoint {
  readonly hookId: string;
  readonly accountId: string;
  readonly connectionId: string;
  readonly kind: WebhookKind;
  readonly secret: string;
  readonly signingSecret?: string;
  readonly path: string;
}

export interface WebhookService {
  readonly service: TestService;
  readonly admin: ApiClient;
  readonly accountId: string;
  /** Stores a connection of `kind` in `accountId` and the endpoint of its hook, as registration does. */
  addEndpoint(
    kind: WebhookKind,
    options?: { accountId?: string; secret?: string; signingSecret?: string },
  ): Promise<Endpoint>;
  send(path: string, delivery: Delivery): Promise<Answer>;
  /** The endpoint's stored deliveries, oldest first. */
  deliveries(hookId: string): Promise<StoredDeliveryRow[]>;
  /** The `webhook.process` jobs queued for these stored deliveries. */
  jobsFor(rowIds: readonly string[]): Promise<{ id: string; account_id: string | null; payload: string }[]>;
  /** Waits for the worker to leave a delivery with a status other than `received`. */
  processed(rowId: string): Promise<StoredDeliveryRow>;
  close(): Promise<void>;
}

export interface StoredDeliveryRow {
  readonly id: string;
  readonly account_id: string;
  readonly delivery_id: string;
  readonly event: string;
  readonly body: string;
  readonly body_bytes: number;
  readonly status: string;
  readonly outcome: string | null;
}

/** The service (trusting X-Forwarded-Proto, as behind a TLS proxy) with an admin and their first account. */
export async function startWebhookService(): Promise<WebhookService> {
  const service = await startTestService({ SCM_CONNECT_TRUST_PROXY: 'true' });
  const { client, session } = await setUpAdmin(service);
  const box = createLiveSecretBox({ envValue: undefined, dataDir: service.dataDir });
  const { db } = service.database;
  return {
    service,
    admin: client,
    accountId: session.currentAccountId!,
    async addEndpoint(kind, options = {}) {
      const accountId = options.accountId ?? session.currentAccountId!;
      const connectionId = randomUUID();
      await insertConnection(db, {
        id: connectionId,
        accountId,
        kind,
        name: `hooks ${connectionId.slice(0, 8)}`,
        baseUrl: 'https://scm.invalid',
        target: `target-${connectionId}`,
        settings: {},
        tokenEncrypted: 'unused',
        caPem: null,
      });
      const secret =
        options.secret ?? (kind === 'azure-devops' ? `hooks:${randomUUID()}` : `secret-${randomUUID()}`);
      const hookId = await createWebhookEndpoint(db, box, {
        accountId,
        connectionId,
        kind,
        secret,
        ...(options.signingSecret !== undefined ? { signingSecret: options.signingSecret } : {}),
      });
      return {
        hookId,
        accountId,
        connectionId,
        kind,
        secret,
        ...(options.signingSecret !== undefined ? { signingSecret: options.signingSecret } : {}),
        path: webhookPath(kind, hookId),
      };
    },
    send: (path, delivery) => send(service.url, path, delivery),
    deliveries: (hookId) =>
      db
        .selectFrom('webhook_deliveries')
        .select(['id', 'account_id', 'delivery_id', 'event', 'body', 'body_bytes', 'status', 'outcome'])
        .where('endpoint_id', '=', hookId)
        .orderBy('received_at')
        .orderBy('id')
        .execute(),
    async jobsFor(rowIds) {
      const jobs = await db
        .selectFrom('jobs')
        .select(['id', 'account_id', 'payload'])
        .where('kind', '=', 'webhook.process')
        .execute();
      return jobs.filter((job) => {
        const payload = JSON.parse(job.payload) as { deliveryId?: string };
        return payload.deliveryId !== undefined && rowIds.includes(payload.deliveryId);
      });
    },
    async processed(rowId) {
      for (let i = 0; i < 200; i++) {
        const row = await db
          .selectFrom('webhook_deliveries')
          .select(['id', 'account_id', 'delivery_id', 'event', 'body', 'body_bytes', 'status', 'outcome'])
          .where('id', '=', rowId)
          .executeTakeFirstOrThrow();
        if (row.status !== 'received') return row;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`delivery ${rowId} was not processed`);
    },
    close: () => service.close(),
  };
}

async function send(baseUrl: string, path: string, delivery: Delivery): Promise<Answer> {
  const answer = await request(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...delivery.headers },
    body: delivery.body,
  });
  const text = await answer.body.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the assertion shows the text
  }
  return { status: answer.statusCode, text, body };
}

export const hmacHex = (secret: string, body: Buffer): string =>
  createHmac('sha256', secret).update(body).digest('hex');

/** A Standard Webhooks `v1,` signature (GitLab's signing token). */
export function standardSignature(
  signingSecret: string,
  id: string,
  timestamp: number,
  body: Buffer,
): string {
  const key = Buffer.from(signingSecret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64')}`;
}

/** How each kind signs and names a delivery. */
export interface KindSigner {
  /** The header that authenticates the delivery. */
  readonly authHeader: string;
  /** Its valid value for this secret and body. */
  authValue(secret: string, body: Buffer): string;
  /** The rest of a delivery's headers: its id and event, and https for Azure DevOps. */
  otherHeaders(deliveryId: string, event: string): SentHeaders;
  /** A body for this delivery id and event (Azure DevOps carries both in it). */
  body(deliveryId: string, event: string, extra?: Record<string, unknown>): Buffer;
  /** An event this kind's receiver handles without calling the SCM, and one it does not handle. */
  readonly ignoredEvent: string;
  readonly unknownEvent: string;
}

const jsonBody = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

export const signers: Readonly<Record<WebhookKind, KindSigner>> = {
  github: {
    authHeader: 'x-hub-signature-256',
    authValue: (secret, body) => `sha256=${hmacHex(secret, body)}`,
    otherHeaders: (id, event) => ({ 'x-github-delivery': id, 'x-github-event': event }),
    body: (_id, _event, extra = {}) => jsonBody({ zen: 'Keep it logically awesome.', ...extra }),
    ignoredEvent: 'ping',
    unknownEvent: 'sponsorship',
  },
  gitlab: {
    authHeader: 'x-gitlab-token',
    authValue: (secret) => secret,
    otherHeaders: (id, event) => ({ 'idempotency-key': id, 'x-gitlab-event': event }),
    body: (_id, _event, extra = {}) => jsonBody({ object_kind: 'tag_push', ...extra }),
    ignoredEvent: 'Tag Push Hook',
    unknownEvent: 'Emoji Hook',
  },
  'bitbucket-cloud': {
    authHeader: 'x-hub-signature',
    authValue: (secret, body) => `sha256=${hmacHex(secret, body)}`,
    otherHeaders: (id, event) => ({ 'x-request-uuid': id, 'x-event-key': event }),
    body: (_id, _event, extra = {}) => jsonBody({ actor: { display_name: 'Ada' }, ...extra }),
    ignoredEvent: 'issue:created',
    unknownEvent: 'issue:comment_created',
  },
  'bitbucket-data-center': {
    authHeader: 'x-hub-signature',
    authValue: (secret, body) => `sha256=${hmacHex(secret, body)}`,
    otherHeaders: (id, event) => ({ 'x-request-id': id, 'x-event-key': event }),
    body: (_id, _event, extra = {}) => jsonBody({ test: true, ...extra }),
    ignoredEvent: 'diagnostics:ping',
    unknownEvent: 'pr:reviewer:approved',
  },
  'azure-devops': {
    authHeader: 'authorization',
    authValue: (secret) => `Basic ${Buffer.from(secret, 'utf8').toString('base64')}`,
    otherHeaders: () => ({ 'x-forwarded-proto': 'https' }),
    body: (id, event, extra = {}) =>
      jsonBody({ id, eventType: event, publisherId: 'tfs', resource: {}, ...extra }),
    ignoredEvent: 'build.complete',
    unknownEvent: 'workitem.created',
  },
};

/** A delivery of `kind` signed with `secret`. */
export function signedDelivery(
  kind: WebhookKind,
  secret: string,
  options: { deliveryId?: string; event?: string; body?: Buffer } = {},
): Delivery {
  const signer = signers[kind];
  const deliveryId = options.deliveryId ?? randomUUID();
  const event = options.event ?? signer.ignoredEvent;
  const body = options.body ?? signer.body(deliveryId, event);
  return {
    headers: {
      ...signer.otherHeaders(deliveryId, event),
      [signer.authHeader]: signer.authValue(secret, body),
    },
    body,
  };
}

/** An error answer: exactly `{code, message}`, none of `secrets` and no stack in it. */
export function expectProblem(
  answer: Answer,
  status: number,
  code: string | readonly string[],
  secrets: readonly string[] = [],
) {
  expect({ status: answer.status, body: answer.body }).toMatchObject({
    status,
    body: { code: expect.any(String) },
  });
  expect(typeof code === 'string' ? [code] : code).toContain((answer.body as { code: string }).code);
  expect(Object.keys(answer.body as object).sort()).toEqual(['code', 'message']);
  expect(typeof (answer.body as { message: unknown }).message).toBe('string');
  for (const secret of secrets) expect(answer.text).not.toContain(secret);
  expect(answer.text).not.toMatch(/\bat .+\.(ts|js):\d+/);
}

export const webhookKindList: readonly WebhookKind[] = [
  'github',
  'gitlab',
  'bitbucket-cloud',
  'bitbucket-data-center',
  'azure-devops',
];
