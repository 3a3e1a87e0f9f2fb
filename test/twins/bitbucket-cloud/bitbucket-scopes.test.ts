import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  demoBitbucketCloudScenario,
  startBitbucketCloudTwin,
  type BitbucketApiTokenScope,
  type BitbucketCloudTwin,
  type BitbucketScope,
} from './index.js';

const lackScopes = (required: string[]) => ({
  type: 'error',
  error: { message: 'Your credentials lack one or more required privilege scopes.', detail: { required } },
});

const notSupported = {
  type: 'error',
  error: { message: 'Token is invalid, expired, or not supported for this endpoint.' },
};

// The scope of each call and the shapes of users as the Bitbucket Cloud API reference documents them.
describe('Bitbucket Cloud twin: scopes and account shapes', () => {
  let twin: BitbucketCloudTwin;
  let issued = 0;
  const call = (authorization: string, path: string, init: RequestInit = {}) =>
    fetch(`${twin.apiUrl}${path}`, { ...init, headers: { authorization, ...init.headers } });
  /** Basic credentials of an API token of alice with exactly `scopes`. */
  const apiToken = (scopes: BitbucketApiTokenScope[], email = 'alice@example.com') => {
    issued += 1;
    twin.addApiToken({ email, token: `ATATT-${issued}`, scopes });
    return `Basic ${Buffer.from(`${email}:ATATT-${issued}`).toString('base64')}`;
  };
  /** Bearer credentials of a workspace access token of `acme` with exactly `scopes`. */
  const accessToken = (scopes: BitbucketScope[]) => {
    issued += 1;
    twin.addAccessToken({ value: `bbwat-${issued}`, kind: 'workspace', workspace: 'acme', scopes });
    return `Bearer bbwat-${issued}`;
  };
  const answer = async (response: Response) => ({ status: response.status, body: await response.json() });

  beforeAll(async () => {
    const demo = demoBitbucketCloudScenario();
    const [acme, ...others] = demo.workspaces;
    twin = await startBitbucketCloudTwin({
      ...demo,
      users: [...demo.users, { accountId: '557058:dave', displayName: 'Dave', email: 'dave@example.com' }],
      workspaces: [
        { ...acme!, members: [...acme!.members!, { user: '557058:dave', permission: 'member' }] },
        ...others,
      ],
    });
  });
  afterAll(() => twin.close());

  it('asks an API token for `read:workspace:bitbucket` on the workspace, an access token for nothing', async () => {
    const refused = await answer(await call(apiToken(['read:repository:bitbucket']), '/workspaces/acme'));
    expect(refused).toEqual({ status: 403, body: lackScopes(['read:workspace:bitbucket']) });
    expect((await call(apiToken(['read:workspace:bitbucket']), '/workspaces/acme')).status).toBe(200);
    expect((await call(accessToken(['pipeline']), '/workspaces/acme')).status).toBe(200);
  });

  it('lets no API token scope stand for another', async () => {
    const writeOnly = apiToken(['read:workspace:bitbucket', 'write:repository:bitbucket']);
    expect(await answer(await call(writeOnly, '/repositories/acme'))).toEqual({
      status: 403,
      body: lackScopes(['read:repository:bitbucket']),
    });
    const branch = await call(writeOnly, '/repositories/acme/website/refs/branches', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', target: { hash: 'main' } }),
    });
    expect(await answer(branch)).toEqual({
      status: 403,
      body: lackScopes(['write:repository:bitbucket', 'read:repository:bitbucket']),
    });
  });

  it('implies access token scopes as documented: `pullrequest` reads repositories, `repository:admin` does not', async () => {
    expect((await call(accessToken(['pullrequest']), '/repositories/acme')).status).toBe(200);
    expect(await answer(await call(accessToken(['repository:admin']), '/repositories/acme'))).toEqual({
      status: 403,
      body: lackScopes(['repository']),
    });
  });

  it('shows /2.0/user without `username`, and without `nickname` when the account has none', async () => {
    const alice = await answer(await call(apiToken(['read:user:bitbucket']), '/user'));
    expect(alice.body).toMatchObject({ type: 'user', account_id: '557058:alice', nickname: 'alice' });
    expect(alice.body).not.toHaveProperty('username');
    const dave = await answer(await call(apiToken(['read:user:bitbucket'], 'dave@example.com'), '/user'));
    expect(dave.body).toMatchObject({ type: 'user', account_id: '557058:dave', display_name: 'Dave' });
    expect(dave.body).not.toHaveProperty('nickname');
    expect(await answer(await call(apiToken(['read:workspace:bitbucket']), '/user'))).toEqual({
      status: 403,
      body: lackScopes(['read:user:bitbucket']),
    });
  });

  it('lists members, one without a nickname', async () => {
    const page = await answer(await call(accessToken(['account']), '/workspaces/acme/members'));
    const dave = (page.body as { values: { user: Record<string, unknown> }[] }).values.find(
      (m) => m.user.display_name === 'Dave',
    );
    expect(dave?.user).toMatchObject({ type: 'user', account_id: '557058:dave' });
    expect(dave?.user).not.toHaveProperty('nickname');
  });

  it('answers an access token 401 on what it is not offered: /2.0/user and permissions', async () => {
    const token = accessToken(['account', 'repository']);
    for (const path of ['/user', '/workspaces/acme/permissions', '/user/workspaces/acme/permission'])
      expect(await answer(await call(token, path))).toEqual({ status: 401, body: notSupported });
  });

  it('answers an API token its own membership of a workspace, with its permission', async () => {
    const own = await answer(
      await call(apiToken(['read:workspace:bitbucket']), '/user/workspaces/acme/permission'),
    );
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({
      type: 'workspace_membership',
      permission: 'owner',
      user: { account_id: '557058:alice', nickname: 'alice' },
      workspace: { slug: 'acme' },
    });
    const other = await call(apiToken(['read:workspace:bitbucket']), '/user/workspaces/other/permission');
    expect(other.status).toBe(403);
  });

  it('creates a webhook only with the scopes of its events too', async () => {
    const hook = {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://receiver.example.com/bb', events: ['repo:push'] }),
    };
    const hooksOnly = apiToken(['read:webhook:bitbucket', 'write:webhook:bitbucket']);
    expect(await answer(await call(hooksOnly, '/workspaces/acme/hooks', hook))).toEqual({
      status: 403,
      body: lackScopes(['read:repository:bitbucket']),
    });
    const unknownEvent = {
      ...hook,
      body: JSON.stringify({ url: 'https://r.example.com/', events: ['repo:nope'] }),
    };
    const writer = apiToken([
      'read:webhook:bitbucket',
      'write:webhook:bitbucket',
      'read:repository:bitbucket',
    ]);
    expect((await call(writer, '/workspaces/acme/hooks', unknownEvent)).status).toBe(400);
  });

  it('deletes a webhook only with `delete:webhook:bitbucket`', async () => {
    const writer = apiToken([
      'read:webhook:bitbucket',
      'write:webhook:bitbucket',
      'read:repository:bitbucket',
    ]);
    const created = await answer(
      await call(writer, '/workspaces/acme/hooks', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: 'https://receiver.example.com/bb', events: ['repo:push'] }),
      }),
    );
    expect(created.status).toBe(201);
    const uuid = encodeURIComponent((created.body as { uuid: string }).uuid);
    expect(await answer(await call(writer, `/workspaces/acme/hooks/${uuid}`, { method: 'DELETE' }))).toEqual({
      status: 403,
      body: lackScopes(['delete:webhook:bitbucket']),
    });
    const deleter = apiToken(['delete:webhook:bitbucket']);
    expect((await call(deleter, `/workspaces/acme/hooks/${uuid}`, { method: 'DELETE' })).status).toBe(204);
  });
});
