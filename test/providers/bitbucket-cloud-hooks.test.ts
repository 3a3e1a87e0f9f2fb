import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bitbucketCloudHookEvents } from '../../src/scm/bitbucket-cloud/hooks.js';
import { createBitbucketCloudProvider } from '../../src/scm/bitbucket-cloud/index.js';
import { bitbucketCloudWebhookReceiver as receiver } from '../../src/scm/bitbucket-cloud/webhooks.js';
import type { ConnectableProvider, ConnectionSettings } from '../../src/scm/connection-settings.js';
import { ScmError } from '../../src/scm/errors.js';
import type { TestReport } from '../../src/scm/provider.js';
import { createTestProviderDeps, rejectionOf } from '../helpers/scm-http.js';
import {
  demoBitbucketCloudScenario,
  startBitbucketCloudTwin,
  type BitbucketCloudScenario,
  type BitbucketCloudTwin,
} from '../twins/bitbucket-cloud/index.js';
import { readVerified, startHookReceiver, type HookReceiver } from './hook-receiver.js';

const hookScopes = ['read:webhook:bitbucket', 'write:webhook:bitbucket', 'delete:webhook:bitbucket'] as const;

function scenario(): BitbucketCloudScenario {
  const demo = demoBitbucketCloudScenario();
  return {
    ...demo,
    apiTokens: [
      ...(demo.apiTokens ?? []),
      {
        email: 'alice@example.com',
        token: 'ATATT-alice-hooks',
        scopes: [
          'read:workspace:bitbucket',
          'read:repository:bitbucket',
          'read:pullrequest:bitbucket',
          ...hookScopes,
        ],
      },
      {
        email: 'alice@example.com',
        token: 'ATATT-alice-hooks-read',
        scopes: ['read:workspace:bitbucket', 'read:repository:bitbucket', 'read:webhook:bitbucket'],
      },
      // Bob is a plain member of `acme`: the scopes are there, the workspace admin is not.
      {
        email: 'bob@example.com',
        token: 'ATATT-bob-hooks',
        scopes: ['read:workspace:bitbucket', 'read:repository:bitbucket', ...hookScopes],
      },
    ],
  };
}

const scmError = (error: unknown): ScmError => {
  expect(error).toBeInstanceOf(ScmError);
  return error as ScmError;
};
const webhooksRow = (report: TestReport) => report.capabilities.find((row) => row.id === 'receive-webhooks')!;

describe('Bitbucket Cloud provider: workspace hooks', () => {
  let twin: BitbucketCloudTwin;
  const deps = createTestProviderDeps();
  const provider = (overrides: Partial<ConnectionSettings> = {}): ConnectableProvider =>
    createBitbucketCloudProvider(
      {
        kind: 'bitbucket-cloud',
        baseUrl: new URL(twin.url),
        target: 'acme',
        token: 'bbwat-demo-full',
        ...overrides,
      },
      deps,
    );
  const apiToken = (token: string, email = 'alice@example.com') => provider({ token, email });
  const hooks = () => twin.workspace('acme').hooks;

  beforeAll(async () => {
    twin = await startBitbucketCloudTwin(scenario());
  });
  afterAll(async () => {
    await deps.close();
    await twin.close();
  });
  beforeEach(() => void hooks().splice(0));

  it('registers one workspace hook for repository and push events, and updates it when registered again', async () => {
    const url = 'https://scm.example.com/webhooks/bitbucket-cloud/h-1';
    const webhooks = provider().webhooks!;
    const first = await webhooks.registerHook({ url, secret: 's1' });
    expect(first.hookIds).toHaveLength(1);
    expect(hooks()).toHaveLength(1);
    expect(hooks()[0]).toMatchObject({
      uuid: first.hookIds[0],
      url,
      active: true,
      secret: 's1',
      events: [...bitbucketCloudHookEvents],
      subjectType: 'workspace',
    });

    hooks()[0]!.active = false;
    const again = await webhooks.registerHook({ url, secret: 's2' });
    expect(again.hookIds).toEqual(first.hookIds);
    expect(hooks()).toHaveLength(1);
    expect(hooks()[0]).toMatchObject({ active: true, secret: 's2' });

    await webhooks.removeHook(again);
    expect(hooks()).toHaveLength(0);
    // Already gone: not an error.
    await webhooks.removeHook(again);
  });

  it('leaves hooks to other URLs alone and folds duplicates to the URL into one', async () => {
    const url = 'https://scm.example.com/webhooks/bitbucket-cloud/h-2';
    const create = (target: string) =>
      fetch(`${twin.apiUrl}/workspaces/acme/hooks`, {
        method: 'POST',
        headers: { authorization: 'Bearer bbwat-demo-full', 'content-type': 'application/json' },
        body: JSON.stringify({ url: target, events: ['repo:push'], description: 'x' }),
      });
    for (const target of [url, url, 'https://other.example.com/hook'])
      expect((await create(target)).status).toBe(201);
    const { hookIds } = await provider().webhooks!.registerHook({ url, secret: 's' });
    expect(
      hooks()
        .map((hook) => hook.url)
        .sort(),
    ).toEqual(['https://other.example.com/hook', url]);
    expect(hooks().find((hook) => hook.url === url)!.uuid).toBe(hookIds[0]);
    await provider().webhooks!.removeHook({ hookIds });
    expect(hooks().map((hook) => hook.url)).toEqual(['https://other.example.com/hook']);
  });

  it('registers with an API token of a workspace admin', async () => {
    const webhooks = apiToken('ATATT-alice-hooks').webhooks!;
    const hook = await webhooks.registerHook({ url: 'https://scm.example.com/webhooks/x/h-3', secret: 's' });
    expect(hooks()).toHaveLength(1);
    await webhooks.removeHook(hook);
    expect(hooks()).toHaveLength(0);
  });

  it('refuses with the scope to grant when the access token lacks `webhook`', async () => {
    const error = scmError(
      await rejectionOf(
        provider({ token: 'bbwat-demo-read' }).webhooks!.registerHook({
          url: 'https://a.example/h',
          secret: 's',
        }),
      ),
    );
    expect(error.kind).toBe('forbidden');
    expect(error.code).toBe('insufficient_scopes');
    expect(error.message).toContain('`webhook`');
    expect(error.fix).toContain('`webhook`');
    expect(hooks()).toHaveLength(0);
  });

  it('refuses an API token without the write scope, naming it', async () => {
    const error = scmError(
      await rejectionOf(
        apiToken('ATATT-alice-hooks-read').webhooks!.registerHook({
          url: 'https://a.example/h',
          secret: 's',
        }),
      ),
    );
    expect(error.kind).toBe('forbidden');
    expect(error.message).toContain('`write:webhook:bitbucket`');
    expect(error.fix).toContain('`write:webhook:bitbucket`');
  });

  it('refuses an account that is not a workspace admin, saying so', async () => {
    const error = scmError(
      await rejectionOf(
        apiToken('ATATT-bob-hooks', 'bob@example.com').webhooks!.registerHook({
          url: 'https://a.example/h',
          secret: 's',
        }),
      ),
    );
    expect(error.kind).toBe('forbidden');
    expect(error.code).toBe('insufficient_permissions');
    expect(error.message).toMatch(/administrators/);
    expect(error.fix).toMatch(/administrator of `acme`/);
  });

  it('reports in Test connection whether the token can register the hook, and why not', async () => {
    expect(webhooksRow(await provider().testConnection())).toMatchObject({ status: 'ok' });
    expect(webhooksRow(await apiToken('ATATT-alice-hooks').testConnection())).toMatchObject({ status: 'ok' });

    const read = webhooksRow(await provider({ token: 'bbwat-demo-read' }).testConnection());
    expect(read.status).toBe('warn');
    expect(read.fix).toContain('`webhook`');

    const noWrite = webhooksRow(await apiToken('ATATT-alice-hooks-read').testConnection());
    expect(noWrite.status).toBe('warn');
    expect(noWrite.message).toContain('`write:webhook:bitbucket`');

    const member = webhooksRow(await apiToken('ATATT-bob-hooks', 'bob@example.com').testConnection());
    expect(member.status).toBe('warn');
    expect(member.message).toMatch(/only workspace administrators/);
    // The probes touched nothing.
    expect(hooks()).toHaveLength(0);
  });
});

describe('Bitbucket Cloud twin: signed deliveries the receiver verifies and parses', () => {
  let twin: BitbucketCloudTwin;
  let endpoint: HookReceiver;
  const deps = createTestProviderDeps();
  const secret = 'bbc-secret-ключ';
  const name = 'Rocket 🚀 café "q" \\u00e9';

  beforeAll(async () => {
    [twin, endpoint] = await Promise.all([startBitbucketCloudTwin(scenario()), startHookReceiver()]);
  });
  afterAll(async () => {
    await deps.close();
    await Promise.all([twin.close(), endpoint.close()]);
  });

  it('delivers created, renamed, pushed and deleted events that verify with the registered secret', async () => {
    const provider = createBitbucketCloudProvider(
      { kind: 'bitbucket-cloud', baseUrl: new URL(twin.url), target: 'acme', token: 'bbwat-demo-full' },
      deps,
    );
    await provider.webhooks!.registerHook({ url: endpoint.url, secret });

    twin.createRepository('acme', { slug: 'rocket', name });
    await twin.idle();
    twin.renameRepository('acme', 'rocket', `${name} 2`, 'rocket-2');
    await twin.idle();
    const { before, after } = twin.push('acme', 'rocket-2', 'main', { 'a.txt': 'a' });
    await twin.idle();
    twin.deleteRepository('acme', 'rocket-2');
    await twin.idle();

    expect(endpoint.received).toHaveLength(4);
    const parsed = endpoint.received.map((delivery) => {
      const read = readVerified(receiver, delivery, secret);
      expect(read.deliveryId).toBe(delivery.headers.get('x-request-uuid')![0]);
      expect(delivery.headers.get('x-hook-uuid')).toHaveLength(1);
      expect(delivery.headers.get('x-attempt-number')).toEqual(['1']);
      return read;
    });
    // The body carries the name as JSON escapes, and the signature is over those bytes.
    expect(endpoint.received[0]!.rawBody.toString('utf8')).toContain('Rocket \\ud83d\\ude80 caf\\u00e9');

    const [created, renamed, pushed, deleted] = parsed;
    expect(created).toMatchObject({
      event: 'repo:created',
      events: [{ type: 'repository.created', repository: { fullName: 'acme/rocket', name } }],
    });
    expect(renamed).toMatchObject({
      event: 'repo:updated',
      events: [
        {
          type: 'repository.renamed',
          previousFullName: 'acme/rocket',
          repository: { fullName: 'acme/rocket-2', name: `${name} 2` },
        },
      ],
    });
    expect(pushed).toMatchObject({
      event: 'repo:push',
      events: [{ type: 'push', branch: 'main', before, after, repository: { fullName: 'acme/rocket-2' } }],
    });
    expect(deleted).toMatchObject({
      event: 'repo:deleted',
      events: [{ type: 'repository.deleted', repository: { fullName: 'acme/rocket-2' } }],
    });
    const ids = new Set(
      parsed.map((p) => (p.events[0] as { repository: { externalId: string } }).repository.externalId),
    );
    expect(ids.size).toBe(1);
  });

  it('sends nothing to a removed hook', async () => {
    const provider = createBitbucketCloudProvider(
      { kind: 'bitbucket-cloud', baseUrl: new URL(twin.url), target: 'acme', token: 'bbwat-demo-full' },
      deps,
    );
    const hook = await provider.webhooks!.registerHook({ url: endpoint.url, secret });
    await provider.webhooks!.removeHook(hook);
    const before = endpoint.received.length;
    twin.push('acme', 'website', 'main');
    await twin.idle();
    expect(endpoint.received).toHaveLength(before);
  });
});
