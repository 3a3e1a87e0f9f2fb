import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { adminPassword, ApiClient } from '../helpers/api-client.js';
import {
  GitLabBrowser,
  gitLabPeople,
  startGitLabSignInWorld,
  type GitLabSignInWorld,
} from './gitlab-sign-in-world.js';
import { countUsers, type Identities } from './sign-in-facts.js';

describe('Sign in with GitLab, through the GitLab twin', () => {
  let world: GitLabSignInWorld;
  let start: string;
  beforeAll(async () => {
    world = await startGitLabSignInWorld();
    start = `/auth/gitlab/start?app=${world.gitLabAppId}`;
  });
  afterAll(() => world?.close());

  it('sends the browser to GitLab’s authorize page with read_user, a single-use state and a PKCE challenge', async () => {
    const browser = new GitLabBrowser(world);
    const url = new URL(await browser.redirectOf(start));
    expect(`${url.origin}${url.pathname}`).toBe(`${world.twin.webUrl}/oauth/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: world.application.uid,
      redirect_uri: `${world.publicUrl}/auth/gitlab/callback`,
      response_type: 'code',
      state: expect.stringMatching(/^[A-Za-z0-9_-]{20,}$/),
      scope: 'read_user',
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge_method: 'S256',
    });
    expect(browser.cookies.has('scm_sign_in')).toBe(true);
  });

  it('a member of the group signs in and lands in the account; the same GitLab user comes back to the same user', async () => {
    const browser = new GitLabBrowser(world);
    expect(await browser.signInWithGitLab(gitLabPeople.bob, `${start}&return_to=/settings`)).toBe(
      '/settings',
    );
    const api = await browser.api();
    expect(api.session).toMatchObject({
      user: { email: 'bob@acme.test', name: 'Bob Builder' },
      accounts: [{ id: world.accountId, role: 'member' }],
      currentAccountId: world.accountId,
    });
    const identities = await api.get<{ identities: { provider: string; issuer: string; login: string }[] }>(
      '/api/v1/profile/identities',
    );
    expect(identities.body.identities).toEqual([
      expect.objectContaining({ provider: 'gitlab', issuer: world.twin.webUrl, login: 'bob' }),
    ]);

    // A renamed GitLab user keeps their scm-connect user: the identity is their numeric id.
    // The twin's records are read-only to its API (which never renames); an admin renames the user in GitLab.
    Object.assign(world.twin.state.requireUser('bob'), { username: 'robert' });
    const again = new GitLabBrowser(world);
    expect(await again.signInWithGitLab({ ...gitLabPeople.bob, username: 'robert' }, start)).toBe('/');
    expect((await again.api()).session?.user.id).toBe(api.session!.user.id);
    const renamed = await (
      await again.api()
    ).get<{ identities: { login: string }[] }>('/api/v1/profile/identities');
    expect(renamed.body.identities.map((identity) => identity.login)).toEqual(['robert']);
  });

  it('refuses someone outside the group, a member awaiting a seat, an invitee and a blocked user, creating no user', async () => {
    const users = await countUsers(world);
    expect(await new GitLabBrowser(world).signInWithGitLab(gitLabPeople.dave, start)).toBe(
      '/login?error=not_a_member',
    );
    for (const who of [gitLabPeople.carol, gitLabPeople.frank]) {
      expect(await new GitLabBrowser(world).signInWithGitLab(who, start), who.username).toBe(
        '/login?error=not_a_member',
      );
    }

    // erin authorizes, and is blocked on GitLab before the browser comes back.
    const browser = new GitLabBrowser(world);
    const back = await browser.authorizeOnGitLab(await browser.redirectOf(start), gitLabPeople.erin);
    world.twin.setUserState('erin', 'blocked');
    expect(await browser.redirectOf(back)).toBe('/login?error=not_a_member');
    expect(browser.cookies.has('scm_session')).toBe(false);
    expect(await countUsers(world)).toBe(users);
  });

  it('a denied authorization is provider_refused; a replayed state is flow_expired', async () => {
    const denied = new GitLabBrowser(world);
    const back = await denied.authorizeOnGitLab(await denied.redirectOf(start), gitLabPeople.alice, 'Deny');
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(await denied.redirectOf(back)).toBe('/login?error=provider_refused');

    const browser = new GitLabBrowser(world);
    const callback = await browser.authorizeOnGitLab(await browser.redirectOf(start), gitLabPeople.alice);
    expect(await browser.redirectOf(callback)).toBe('/');
    expect(await browser.redirectOf(callback)).toBe('/login?error=flow_expired');
    const text = world.logLines.join('\n');
    expect(text).not.toContain(callback.searchParams.get('code')!);
    expect(text).not.toContain(world.application.secret);
  });

  it('links GitLab from the profile of a signed-in person; a person without a password keeps one method', async () => {
    const owner = new GitLabBrowser(world);
    await owner.signInWithPassword('admin@acme.test', adminPassword);
    const back = await owner.authorizeOnGitLab(
      await owner.redirectOf(`/auth/gitlab/start?app=${world.gitLabAppId}&purpose=link`),
      // Outside the group: linking needs no membership, only that nobody else signs in with it.
      gitLabPeople.dave,
    );
    expect(await owner.redirectOf(back)).toBe('/profile?linked=gitlab');
    const ownerApi = await owner.api();
    expect(ownerApi.session?.user.email).toBe('admin@acme.test');
    const linked = await ownerApi.get<Identities>('/api/v1/profile/identities');
    expect(linked.body).toMatchObject({
      hasPassword: true,
      identities: [{ provider: 'gitlab', login: 'dave' }],
    });

    // A person without a password with two linked methods may drop one, never the last.
    const person = new GitLabBrowser(world);
    await person.signInWithGitLab({ ...gitLabPeople.bob, username: 'robert' }, start);
    const api = await person.api();
    await world.service.database.db
      .insertInto('user_identities')
      .values({
        id: randomUUID(),
        user_id: api.session!.user.id,
        provider: 'oidc',
        issuer: 'https://idp.example.test',
        subject: 'bob-at-idp',
        login: null,
        email: 'bob@acme.test',
        created_at: new Date().toISOString(),
        last_used_at: null,
      })
      .execute();
    const both = (await api.get<Identities>('/api/v1/profile/identities')).body.identities;
    const gitlab = both.find((identity) => identity.provider === 'gitlab')!;
    const oidc = both.find((identity) => identity.provider === 'oidc')!;
    expect((await api.delete(`/api/v1/profile/identities/${gitlab.id}`)).status).toBe(204);
    const last = await api.delete(`/api/v1/profile/identities/${oidc.id}`);
    expect(last.status).toBe(409);
    expect(last.body).toMatchObject({ code: 'last_sign_in_method' });
  });

  it('GET /sign-in/methods lists the GitLab application', async () => {
    const answer = await new ApiClient(world.service.url).get('/api/v1/sign-in/methods');
    expect(answer.body).toEqual({
      github: [],
      gitlab: [{ id: world.gitLabAppId, webUrl: world.twin.webUrl, label: 'GitLab' }],
      sso: false,
    });
  });
});
