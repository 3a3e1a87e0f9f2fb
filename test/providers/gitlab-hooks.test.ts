import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScmKindId } from '../../src/core/scm-kinds.js';
import type { ConnectionSettings } from '../../src/scm/connection-settings.js';
import { ScmError } from '../../src/scm/errors.js';
import { createGitLabProvider } from '../../src/scm/gitlab/index.js';
import { gitlabWebhookReceiver } from '../../src/scm/gitlab/webhooks.js';
import type { WebhookRegistrar } from '../../src/scm/provider.js';
import { createTestProviderDeps, rejectionOf } from '../helpers/scm-http.js';
import { startHookReceiver, type HookReceiver } from './hook-receiver.js';
import { demoGitLabScenario, startGitLabTwin, type GitLabTwin } from '../twins/gitlab/index.js';

const secret = 'gitlab-hook-secret-4f9c';

describe('GitLab provider: group hook registration', () => {
  let twin: GitLabTwin;
  let receiver: HookReceiver;
  const deps = createTestProviderDeps();

  beforeAll(async () => {
    const demo = demoGitLabScenario();
    twin = await startGitLabTwin({
      ...demo,
      groups: [
        ...demo.groups,
        { id: 300, path: 'freebies', plan: 'free', members: [{ user: 'alice', accessLevel: 50 }] },
      ],
    });
    receiver = await startHookReceiver({ tls: true });
  });
  afterAll(async () => {
    await deps.close();
    await receiver.close();
    await twin.close();
  });

  const provider = (overrides: Partial<ConnectionSettings> & { kind?: ScmKindId } = {}) =>
    createGitLabProvider(
      {
        kind: 'gitlab-self-managed',
        baseUrl: new URL(twin.url),
        target: 'acme',
        token: 'glpat-demo-alice-api',
        ...overrides,
      },
      deps,
    );
  const hooks = (overrides: Partial<ConnectionSettings> & { kind?: ScmKindId } = {}): WebhookRegistrar => {
    const registrar = provider(overrides).webhooks;
    expect(registrar).toBeDefined();
    return registrar!;
  };
  const ours = () => twin.group('acme').hooks.filter((h) => h.url === receiver.url);

  it('offers webhooks', () => {
    expect(provider().capabilities.webhooks).toBe(true);
  });

  it('creates one group hook with the secret token, push, project, member, merge request and note events', async () => {
    const registered = await hooks().registerHook({ url: receiver.url, secret });
    expect(registered.signingSecret).toBeUndefined();
    expect(ours()).toHaveLength(1);
    const [hook] = ours();
    expect(registered.hookIds).toEqual([String(hook!.id)]);
    expect(hook!.token).toBe(secret);
    expect([...hook!.events].sort()).toEqual([
      'member_events',
      'merge_requests_events',
      'note_events',
      'project_events',
      'push_events',
    ]);
  });

  it('updates the hook already delivering to the URL instead of adding one, and removes duplicates', async () => {
    const first = ours()[0]!;
    first.token = 'stale';
    first.events.add('job_events');
    const group = twin.group('acme');
    group.hooks.push({ ...first, id: 99_999, uuid: 'dup', events: new Set(['push_events']) });
    const again = await hooks().registerHook({ url: receiver.url, secret });
    expect(again.hookIds).toEqual([String(first.id)]);
    expect(ours()).toHaveLength(1);
    expect(ours()[0]!.token).toBe(secret);
    expect(ours()[0]!.events.has('job_events')).toBe(false);
  });

  it('delivers pushes and project events that the receiver verifies and parses, names with emoji included', async () => {
    const [hook] = ours();
    const before = twin.deliveries.length;
    await twin.createProject('acme', { path: 'rocket', name: 'Rocket 🚀 \u00e9t\u00e9 \\u00e9' });
    await twin.push('acme/rocket', 'feature/🚀');
    await twin.deleteProject('acme/rocket');
    await twin.idle();
    const sent = twin.deliveries.slice(before).filter((d) => d.hookId === hook!.id);
    expect(sent.map((d) => d.event)).toEqual(['Project Hook', 'Push Hook', 'Project Hook']);
    expect(sent.map((d) => d.status)).toEqual([202, 202, 202]);

    const events = [];
    for (const delivery of sent) {
      const arrived = receiver.received.find(
        (r) => r.headers.get('x-gitlab-event-uuid')?.[0] === delivery.headers['x-gitlab-event-uuid'],
      );
      expect(arrived).toBeDefined();
      const incoming = arrived!;
      expect(gitlabWebhookReceiver.verify(incoming, { secret, signingSecret: null })).toEqual({ ok: true });
      expect(gitlabWebhookReceiver.verify(incoming, { secret: 'other', signingSecret: null }).ok).toBe(false);
      const identity = gitlabWebhookReceiver.identify(incoming);
      expect(identity.deliveryId).toBe(delivery.headers['idempotency-key']);
      expect(arrived!.headers.get('x-gitlab-webhook-uuid')).toEqual([hook!.uuid]);
      const parsed = gitlabWebhookReceiver.parse({
        event: identity.event,
        body: arrived!.rawBody.toString('utf8'),
      });
      events.push(...parsed.events);
    }
    const name = 'Rocket 🚀 \u00e9t\u00e9 \\u00e9';
    expect(events).toMatchObject([
      { type: 'repository.created', repository: { fullName: 'acme/rocket', name } },
      { type: 'push', branch: 'feature/🚀', before: null, repository: { fullName: 'acme/rocket', name } },
      { type: 'repository.deleted', repository: { fullName: 'acme/rocket', name } },
    ]);
  });

  it('removes the hook, and tolerates one already gone', async () => {
    const registered = { hookIds: ours().map((h) => String(h.id)) };
    await hooks().removeHook(registered);
    expect(ours()).toHaveLength(0);
    await expect(hooks().removeHook(registered)).resolves.toBeUndefined();
  });

  it('refuses without the Owner role, naming the role to grant', async () => {
    const error = await rejectionOf(
      hooks({ token: 'glpat-demo-bob-api' }).registerHook({ url: receiver.url, secret }),
    );
    expect(error).toBeInstanceOf(ScmError);
    expect(error).toMatchObject({ kind: 'forbidden', code: 'insufficient_permissions' });
    expect((error as ScmError).fix).toMatch(/Owner role/);
    expect(ours()).toHaveLength(0);
  });

  it('refuses a token without the `api` scope, naming the scope', async () => {
    const error = await rejectionOf(
      hooks({ token: 'glpat-demo-alice-readapi' }).registerHook({ url: receiver.url, secret }),
    );
    expect(error).toMatchObject({ kind: 'forbidden', code: 'insufficient_scopes' });
    expect((error as ScmError).message).toContain('`api`');
  });

  it('says in words that group webhooks need Premium on gitlab.com', async () => {
    const error = await rejectionOf(
      hooks({ kind: 'gitlab', target: 'freebies' }).registerHook({ url: receiver.url, secret }),
    );
    expect(error).toMatchObject({ kind: 'forbidden', code: 'feature_unavailable' });
    expect((error as ScmError).message).toMatch(/Premium/);
    expect((error as ScmError).message).toMatch(/Free plan of gitlab\.com/);
  });

  it('reports in Test connection whether the token can register the hook', async () => {
    const row = async (overrides: Partial<ConnectionSettings> & { kind?: ScmKindId }) =>
      (await provider(overrides).testConnection()).capabilities.find((c) => c.id === 'receive-webhooks')!;
    expect(await row({})).toMatchObject({ status: 'ok' });
    expect(await row({ token: 'glpat-demo-bob-api' })).toMatchObject({
      status: 'warn',
      code: 'insufficient_permissions',
    });
    expect(await row({ token: 'glpat-demo-alice-readapi' })).toMatchObject({
      status: 'warn',
      code: 'insufficient_scopes',
    });
    expect(await row({ kind: 'gitlab', target: 'freebies' })).toMatchObject({
      status: 'warn',
      code: 'feature_unavailable',
    });
  });
});
