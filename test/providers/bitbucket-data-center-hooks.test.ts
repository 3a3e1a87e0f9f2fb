import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bbdcHookEvents } from '../../src/scm/bitbucket-data-center/hooks.js';
import { createBitbucketDataCenterProvider } from '../../src/scm/bitbucket-data-center/index.js';
import { bitbucketDataCenterWebhookReceiver as receiver } from '../../src/scm/bitbucket-data-center/webhooks.js';
import type { ConnectableProvider } from '../../src/scm/connection-settings.js';
import { ScmError } from '../../src/scm/errors.js';
import { createTestProviderDeps, rejectionOf } from '../helpers/scm-http.js';
import {
  startBitbucketDataCenterTwin,
  type BitbucketDataCenterScenario,
  type BitbucketDataCenterTwin,
} from '../twins/bitbucket-data-center/index.js';
import { readVerified, startHookReceiver, type HookReceiver } from './hook-receiver.js';

const scenario: BitbucketDataCenterScenario = {
  contextPath: '/bitbucket',
  users: [{ name: 'alice', displayName: 'Alice Admin' }],
  tokens: [
    {
      value: 'core-admin',
      scope: { type: 'project', projectKey: 'CORE' },
      permissions: ['PROJECT_ADMIN', 'REPO_ADMIN'],
    },
    {
      value: 'core-write',
      scope: { type: 'project', projectKey: 'CORE' },
      permissions: ['PROJECT_WRITE', 'REPO_WRITE'],
    },
  ],
  projects: [
    {
      key: 'CORE',
      name: 'Core',
      members: [{ user: 'alice', permission: 'PROJECT_ADMIN' }],
      repositories: [{ slug: 'web', name: 'Web', files: { 'README.md': '# Web\n' } }],
    },
  ],
};

const scmError = (error: unknown): ScmError => {
  expect(error).toBeInstanceOf(ScmError);
  return error as ScmError;
};

describe('Bitbucket Data Center provider: project webhooks', () => {
  let twin: BitbucketDataCenterTwin;
  const deps = createTestProviderDeps();
  const provider = (token = 'core-admin'): ConnectableProvider =>
    createBitbucketDataCenterProvider(
      { kind: 'bitbucket-data-center', baseUrl: new URL(twin.baseUrl), target: 'CORE', token },
      deps,
    );
  const hooks = () => twin.state.projects.get('CORE')!.webhooks;

  beforeAll(async () => {
    twin = await startBitbucketDataCenterTwin(scenario);
  });
  afterAll(async () => {
    await deps.close();
    await twin.close();
  });
  beforeEach(() => void hooks().splice(0));

  it('registers one project webhook with the secret, and updates it when registered again', async () => {
    const url = 'https://scm.example.com/webhooks/bitbucket-data-center/h-1';
    const webhooks = provider().webhooks!;
    const first = await webhooks.registerHook({ url, secret: 's1' });
    expect(first.hookIds).toEqual([String(hooks()[0]!.id)]);
    expect(hooks()).toHaveLength(1);
    expect(hooks()[0]).toMatchObject({
      url,
      active: true,
      events: [...bbdcHookEvents],
      configuration: { secret: 's1' },
      scopeType: 'project',
    });

    hooks()[0]!.active = false;
    const again = await webhooks.registerHook({ url, secret: 's2' });
    expect(again.hookIds).toEqual(first.hookIds);
    expect(hooks()).toHaveLength(1);
    expect(hooks()[0]).toMatchObject({ active: true, configuration: { secret: 's2' } });

    await webhooks.removeHook(again);
    expect(hooks()).toHaveLength(0);
    await webhooks.removeHook(again);
  });

  it('keeps two endpoints on one project apart and folds duplicates to one URL', async () => {
    const one = 'https://scm.example.com/webhooks/bitbucket-data-center/h-a';
    const two = 'https://scm.example.com/webhooks/bitbucket-data-center/h-b';
    const webhooks = provider().webhooks!;
    const a = await webhooks.registerHook({ url: one, secret: 's' });
    await webhooks.registerHook({ url: two, secret: 's' });
    hooks().push({ ...hooks()[0]!, id: 9_999, name: 'copy' });
    expect(hooks()).toHaveLength(3);
    const again = await webhooks.registerHook({ url: one, secret: 's' });
    expect(again.hookIds).toEqual(a.hookIds);
    expect(
      hooks()
        .map((hook) => hook.url)
        .sort(),
    ).toEqual([one, two]);
  });

  it('refuses without Project admin, naming the permission', async () => {
    const error = scmError(
      await rejectionOf(
        provider('core-write').webhooks!.registerHook({ url: 'https://a.example/h', secret: 's' }),
      ),
    );
    expect(error.kind).toBe('forbidden');
    expect(error.message).toContain('PROJECT_ADMIN');
    expect(error.fix).toMatch(/Project admin/);
    expect(hooks()).toHaveLength(0);
  });

  it('reports in Test connection whether the token can register the webhook', async () => {
    const row = async (token: string) =>
      (await provider(token).testConnection()).capabilities.find((r) => r.id === 'receive-webhooks')!;
    expect(await row('core-admin')).toMatchObject({ status: 'ok' });
    const denied = await row('core-write');
    expect(denied.status).toBe('warn');
    expect(denied.message).toContain('PROJECT_ADMIN');
    expect(denied.fix).toMatch(/Project admin/);
  });
});

describe('Bitbucket Data Center twin: signed deliveries the receiver verifies and parses', () => {
  let twin: BitbucketDataCenterTwin;
  let endpoint: HookReceiver;
  const deps = createTestProviderDeps();
  const secret = 'dc-secret-ключ';
  const name = 'Rocket 🚀 café "q" \\u00e9';

  beforeAll(async () => {
    [twin, endpoint] = await Promise.all([startBitbucketDataCenterTwin(scenario), startHookReceiver()]);
  });
  afterAll(async () => {
    await deps.close();
    await Promise.all([twin.close(), endpoint.close()]);
  });

  it('delivers push, rename and archive events that verify with the registered secret', async () => {
    const provider = createBitbucketDataCenterProvider(
      { kind: 'bitbucket-data-center', baseUrl: new URL(twin.baseUrl), target: 'CORE', token: 'core-admin' },
      deps,
    );
    await provider.webhooks!.registerHook({ url: endpoint.url, secret });

    // Data Center has no repository created or deleted event.
    twin.createRepository('CORE', { slug: 'rocket', name, files: { 'a.txt': 'a' } });
    const { before, after } = twin.push('CORE', 'rocket', 'main', { 'b.txt': 'b' });
    await twin.idle();
    twin.push('CORE', 'rocket', 'feature/x');
    await twin.idle();
    twin.renameRepository('CORE', 'rocket', `${name} 2`, 'rocket-2');
    await twin.idle();
    twin.archiveRepository('CORE', 'rocket-2');
    await twin.idle();
    twin.deleteRepository('CORE', 'rocket-2');
    await twin.idle();

    expect(endpoint.received).toHaveLength(4);
    const parsed = endpoint.received.map((delivery) => {
      const read = readVerified(receiver, delivery, secret);
      expect(read.deliveryId).toBe(delivery.headers.get('x-request-id')![0]);
      return read;
    });
    // Data Center writes the name in UTF-8 as it is; the signature is over those bytes.
    expect(endpoint.received[0]!.rawBody.toString('utf8')).toContain('Rocket 🚀 café \\"q\\" \\\\u00e9');

    const [pushed, branched, renamed, archived] = parsed;
    expect(pushed).toMatchObject({
      event: 'repo:refs_changed',
      events: [
        { type: 'push', branch: 'main', before, after, repository: { fullName: 'CORE/rocket', name } },
      ],
    });
    expect(branched).toMatchObject({ events: [{ type: 'push', branch: 'feature/x', before: null }] });
    expect(renamed).toMatchObject({
      event: 'repo:modified',
      events: [
        {
          type: 'repository.renamed',
          previousFullName: 'CORE/rocket',
          repository: { fullName: 'CORE/rocket-2', name: `${name} 2` },
        },
      ],
    });
    expect(archived).toMatchObject({
      event: 'repo:modified',
      events: [{ type: 'repository.archived', repository: { fullName: 'CORE/rocket-2', archived: true } }],
    });
  });
});
