import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoGitLabScenario, startGitLabTwin, type GitLabTwin } from './index.js';

describe('GitLab twin: group hook endpoints', () => {
  let twin: GitLabTwin;
  const call = (path: string, init: RequestInit = {}, token = 'glpat-demo-alice-api') =>
    fetch(`${twin.apiUrl}${path}`, {
      ...init,
      headers: { 'private-token': token, 'content-type': 'application/json', ...init.headers },
    });

  beforeAll(async () => {
    const demo = demoGitLabScenario();
    twin = await startGitLabTwin({
      ...demo,
      groups: [
        ...demo.groups,
        { id: 300, path: 'freebies', plan: 'free', members: [{ user: 'alice', accessLevel: 50 }] },
      ],
    });
  });
  afterAll(() => twin.close());

  it('edits a hook in place: flags not sent keep their value, a new URL without a token drops it', async () => {
    const created = await call('/groups/acme/hooks', {
      method: 'POST',
      body: JSON.stringify({ url: 'https://a.example.com/h', token: 's1', project_events: true }),
    });
    expect(created.status).toBe(201);
    const hook = (await created.json()) as { id: number; project_events: boolean; push_events: boolean };
    expect(hook).toMatchObject({ project_events: true, push_events: true });
    expect(hook).not.toHaveProperty('token');

    const edited = await call(`/groups/acme/hooks/${hook.id}`, {
      method: 'PUT',
      body: JSON.stringify({ url: 'https://b.example.com/h', push_events: false }),
    });
    expect(edited.status).toBe(200);
    expect(await edited.json()).toMatchObject({
      id: hook.id,
      url: 'https://b.example.com/h',
      push_events: false,
      project_events: true,
    });
    expect(twin.group('acme').hooks.find((h) => h.id === hook.id)!.token).toBeUndefined();

    expect((await call(`/groups/acme/hooks/${hook.id}`, { method: 'DELETE' })).status).toBe(204);
    const gone = await call(`/groups/acme/hooks/${hook.id}`, { method: 'DELETE' });
    expect([gone.status, await gone.json()]).toEqual([404, { message: '404 Hook Not Found' }]);
  });

  it('refuses without the Owner role, without `api`, and without Premium as GitLab does', async () => {
    const developer = await call('/groups/acme/hooks', {}, 'glpat-demo-bob-api');
    expect([developer.status, await developer.json()]).toEqual([403, { message: '403 Forbidden' }]);
    const readOnly = await call(
      '/groups/acme/hooks',
      { method: 'POST', body: JSON.stringify({ url: 'https://a.example.com/h' }) },
      'glpat-demo-alice-readapi',
    );
    expect(readOnly.status).toBe(403);
    expect(await readOnly.json()).toMatchObject({ error: 'insufficient_scope', scope: 'api' });
    const free = await call('/groups/freebies/hooks');
    expect([free.status, await free.json()]).toEqual([404, { message: '404 Not Found' }]);
  });

  it('delivers nothing to group hooks for a rename or an archive, as GitLab sends those to system hooks only', async () => {
    const before = twin.deliveries.length;
    await twin.renameProject('acme/website', 'Website 2');
    await twin.archiveProject('acme/website');
    await twin.idle();
    expect(twin.deliveries.length).toBe(before);
    expect(twin.project('acme/website')).toMatchObject({ name: 'Website 2', archived: true });
  });
});
