import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { azureDevOpsHookEvents } from '../../src/scm/azure-devops/hooks.js';
import { createAzureDevOpsProvider } from '../../src/scm/azure-devops/index.js';
import { azureDevOpsWebhookReceiver } from '../../src/scm/azure-devops/webhooks.js';
import { ScmError } from '../../src/scm/errors.js';
import type { WebhookEvent } from '../../src/scm/webhook-receiver.js';
import { createTestProviderDeps, rejectionOf } from '../helpers/scm-http.js';
import {
  startAzureDevOpsTwin,
  type AzureDevOpsScenario,
  type AzureDevOpsTwin,
} from '../twins/azure-devops/index.js';
import { startHookReceiver, type HookReceiver } from './hook-receiver.js';

const scenario: AzureDevOpsScenario = {
  users: [
    { principalName: 'alice@example.com', displayName: 'Alice Admin' },
    { principalName: 'bob@example.com', displayName: 'Bob Builder' },
  ],
  pats: [
    { value: 'admin-pat', user: 'alice@example.com', scopes: 'full' },
    { value: 'code-pat', user: 'alice@example.com', scopes: ['vso.code'] },
    { value: 'project-only-pat', user: 'alice@example.com', scopes: ['vso.project'] },
    { value: 'bob-pat', user: 'bob@example.com', scopes: 'full' },
  ],
  organizations: [
    {
      name: 'contoso',
      projects: [{ name: 'Shop', repositories: [{ name: 'web' }] }],
      members: [
        { user: 'alice@example.com', collectionAdmin: true },
        { user: 'bob@example.com', projects: { Shop: 'projectContributor' } },
      ],
    },
  ],
};

// The password holds a colon and non-ASCII: only the first colon separates it from the user name.
const secret = 'scm-connect:pä:ss-🔑';

describe('Azure DevOps provider: service hook subscriptions', () => {
  let twin: AzureDevOpsTwin;
  let receiver: HookReceiver;
  const deps = createTestProviderDeps();

  beforeAll(async () => {
    twin = await startAzureDevOpsTwin(scenario);
    receiver = await startHookReceiver({ tls: true });
  });
  afterAll(async () => {
    await deps.close();
    await receiver.close();
    await twin.close();
  });

  const provider = (token = 'admin-pat') =>
    createAzureDevOpsProvider(
      { kind: 'azure-devops', baseUrl: new URL(twin.url), target: 'contoso', token },
      deps,
    );
  const hooks = (token?: string) => provider(token).webhooks!;
  const ours = () =>
    twin.state.organizations.get('contoso')!.hooks.filter((h) => h.consumerInputs.url === receiver.url);

  it('offers webhooks', () => {
    expect(provider().capabilities.webhooks).toBe(true);
    expect(provider().webhooks).toBeDefined();
  });

  it('creates one subscription per event, with basic-auth credentials split at the first colon', async () => {
    const registered = await hooks().registerHook({ url: receiver.url, secret });
    expect(registered.hookIds).toHaveLength(azureDevOpsHookEvents.length);
    expect(ours().map((h) => h.eventType)).toEqual([...azureDevOpsHookEvents]);
    expect(ours().map((h) => h.id)).toEqual(registered.hookIds);
    for (const hook of ours()) {
      expect(hook).toMatchObject({
        publisherId: 'tfs',
        consumerId: 'webHooks',
        consumerActionId: 'httpRequest',
        consumerInputs: { basicAuthUsername: 'scm-connect', basicAuthPassword: 'pä:ss-🔑' },
      });
    }
  });

  it('replaces its subscriptions when registered again, deleting duplicates, never doubling', async () => {
    const first = ours().map((h) => h.id);
    const org = twin.state.organizations.get('contoso')!;
    const push = ours().find((h) => h.eventType === 'git.push')!;
    push.consumerInputs = { ...push.consumerInputs, basicAuthPassword: 'stale' };
    org.hooks.push({ ...push, id: 'dddddddd-0000-4000-8000-000000000001' });
    const again = await hooks().registerHook({ url: receiver.url, secret });
    expect(again.hookIds).toEqual(first);
    expect(ours()).toHaveLength(azureDevOpsHookEvents.length);
    expect(ours().find((h) => h.eventType === 'git.push')!.consumerInputs.basicAuthPassword).toBe('pä:ss-🔑');
  });

  it('delivers repository and push events that the receiver verifies and parses, emoji names included', async () => {
    const before = twin.deliveries.length;
    const name = 'Rocket 🚀 caf\u00e9 \\u00e9';
    await twin.createRepository('contoso', 'Shop', name);
    await twin.push('contoso', 'Shop', name, 'feature/🚀');
    await twin.renameRepository('contoso', 'Shop', name, `${name} 2`);
    await twin.setRepositoryDisabled('contoso', 'Shop', `${name} 2`, true);
    await twin.deleteRepository('contoso', 'Shop', `${name} 2`);
    await twin.idle();
    const sent = twin.deliveries.slice(before);
    expect(sent.map((d) => [d.eventType, d.status])).toEqual([
      ['git.repo.created', 202],
      ['git.push', 202],
      ['git.repo.renamed', 202],
      ['git.repo.statuschanged', 202],
      ['git.repo.deleted', 202],
    ]);

    const events: WebhookEvent[] = [];
    for (const delivery of sent) {
      const arrived = receiver.received.find((r) => r.rawBody.toString('utf8') === delivery.body)!;
      expect(arrived).toBeDefined();
      expect(azureDevOpsWebhookReceiver.verify(arrived, { secret, signingSecret: null })).toEqual({
        ok: true,
      });
      expect(
        azureDevOpsWebhookReceiver.verify(arrived, { secret: 'scm-connect:other', signingSecret: null }),
      ).toMatchObject({ ok: false, failure: 'signature-mismatch' });
      const identity = azureDevOpsWebhookReceiver.identify(arrived);
      expect(identity.event).toBe(delivery.eventType);
      expect(identity.deliveryId).toBe((JSON.parse(delivery.body) as { id: string }).id);
      const body = arrived.rawBody.toString('utf8');
      events.push(
        ...azureDevOpsWebhookReceiver.parse({ event: identity.event, body, organization: 'contoso' }).events,
      );
    }
    expect(events).toMatchObject([
      { type: 'repository.created', repository: { fullName: `contoso/Shop/${name}`, name } },
      { type: 'push', branch: 'feature/🚀', before: null, repository: { name } },
      {
        type: 'repository.renamed',
        repository: { fullName: `contoso/Shop/${name} 2` },
        previousFullName: `contoso/Shop/${name}`,
      },
      { type: 'repository.archived', repository: { name: `${name} 2`, archived: true } },
      { type: 'repository.deleted', repository: { fullName: `contoso/Shop/${name} 2` } },
    ]);
  });

  it('removes its subscriptions, and tolerates ones already gone', async () => {
    const registered = { hookIds: ours().map((h) => h.id) };
    await hooks().removeHook(registered);
    expect(ours()).toHaveLength(0);
    await expect(hooks().removeHook(registered)).resolves.toBeUndefined();
  });

  it('refuses a user without Edit subscriptions, naming the group and scope to grant', async () => {
    const error = await rejectionOf(hooks('bob-pat').registerHook({ url: receiver.url, secret }));
    expect(error).toBeInstanceOf(ScmError);
    expect(error).toMatchObject({ kind: 'forbidden', code: 'insufficient_permissions' });
    expect((error as ScmError).fix).toContain('Project Collection Administrators');
    expect(ours()).toHaveLength(0);
  });

  it('refuses a token without the scope service hooks take, naming it', async () => {
    const error = await rejectionOf(hooks('project-only-pat').registerHook({ url: receiver.url, secret }));
    expect(error).toMatchObject({ kind: 'forbidden', code: 'insufficient_scopes' });
    expect((error as ScmError).message).toContain('`vso.code`');
    expect(ours()).toHaveLength(0);
  });

  it('works with Code (Read) alone for an administrator', async () => {
    const registered = await hooks('code-pat').registerHook({ url: receiver.url, secret });
    expect(registered.hookIds).toHaveLength(azureDevOpsHookEvents.length);
    await hooks('code-pat').removeHook(registered);
    expect(ours()).toHaveLength(0);
  });

  it('refuses a secret that is not user:password', async () => {
    const error = await rejectionOf(hooks().registerHook({ url: receiver.url, secret: 'no-colon' }));
    expect(error).toMatchObject({ kind: 'invalid', code: 'invalid_secret' });
  });
});
