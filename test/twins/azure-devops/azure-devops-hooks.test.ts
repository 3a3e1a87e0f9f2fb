import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzureDevOpsTwin, type AzureDevOpsScenario, type AzureDevOpsTwin } from './index.js';

const scenario: AzureDevOpsScenario = {
  users: [
    { principalName: 'alice@example.com', displayName: 'Alice Admin' },
    { principalName: 'bob@example.com', displayName: 'Bob Builder' },
  ],
  pats: [
    { value: 'admin-pat', user: 'alice@example.com', scopes: 'full' },
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

describe('Azure DevOps twin: service hook subscriptions', () => {
  let twin: AzureDevOpsTwin;
  const call = (path: string, init: RequestInit = {}, pat = 'admin-pat') =>
    fetch(`${twin.url}/contoso/_apis/hooks/subscriptions${path}?api-version=7.1`, {
      ...init,
      headers: {
        authorization: `Basic ${Buffer.from(`:${pat}`).toString('base64')}`,
        'content-type': 'application/json',
        ...init.headers,
      },
    });
  const body = (password: string) =>
    JSON.stringify({
      publisherId: 'tfs',
      eventType: 'git.push',
      resourceVersion: '1.0',
      consumerId: 'webHooks',
      consumerActionId: 'httpRequest',
      publisherInputs: {},
      consumerInputs: {
        url: 'https://receiver.example.com/h',
        basicAuthUsername: 'u',
        basicAuthPassword: password,
      },
    });

  beforeAll(async () => {
    twin = await startAzureDevOpsTwin(scenario);
  });
  afterAll(() => twin.close());

  it('replaces a subscription, masks the password in answers and keeps it when the mask is sent back', async () => {
    const created = (await (await call('', { method: 'POST', body: body('p1') })).json()) as {
      id: string;
      consumerInputs: Record<string, string>;
    };
    expect(created.consumerInputs.basicAuthPassword).toBe('********');
    const replaced = await call(`/${created.id}`, { method: 'PUT', body: body('********') });
    expect(replaced.status).toBe(200);
    const stored = twin.state.organizations.get('contoso')!.hooks.find((h) => h.id === created.id)!;
    expect(stored.consumerInputs.basicAuthPassword).toBe('p1');
    expect((await call(`/${created.id}`, { method: 'PUT', body: body('p2') })).status).toBe(200);
    expect(stored.consumerInputs.basicAuthPassword).toBe('p2');
    expect((await call(`/${created.id}`, { method: 'DELETE' })).status).toBe(204);
    const gone = await call(`/${created.id}`, { method: 'DELETE' });
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ typeKey: 'SubscriptionNotFoundException' });
  });

  it('refuses to create, replace or delete for a user without the ServiceHooks permissions', async () => {
    const created = await call('', { method: 'POST', body: body('p') }, 'bob-pat');
    expect(created.status).toBe(403);
    expect(await created.json()).toMatchObject({
      typeKey: 'AccessCheckException',
      message: expect.stringContaining('Edit subscriptions'),
    });
    const deleted = await call('/00000000-0000-0000-0000-000000000000', { method: 'DELETE' }, 'bob-pat');
    expect(deleted.status).toBe(403);
    expect(await deleted.json()).toMatchObject({ message: expect.stringContaining('Delete subscriptions') });
  });

  it('filters deliveries by the subscription project', async () => {
    const org = twin.state.organizations.get('contoso')!;
    org.hooks.push({
      id: 'eeeeeeee-0000-4000-8000-000000000001',
      publisherId: 'tfs',
      eventType: 'git.repo.created',
      resourceVersion: '1.0',
      consumerId: 'webHooks',
      consumerActionId: 'httpRequest',
      publisherInputs: { projectId: 'another-project' },
      consumerInputs: { url: 'https://127.0.0.1:9/none' },
      createdBy: undefined,
      createdDate: '2026-01-01T00:00:00Z',
    });
    expect(await twin.createRepository('contoso', 'Shop', 'rocket')).toEqual([]);
  });
});
