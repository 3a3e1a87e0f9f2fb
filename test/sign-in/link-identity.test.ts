import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/core/tokens.js';
import { adminPassword, ApiClient, type SessionBody } from '../helpers/api-client.js';
import {
  devDana,
  GitHubBrowser,
  octoAdmin,
  startGitHubSignInWorld,
  type GitHubSignInWorld,
} from './github-sign-in-world.js';
import type { Identities } from './sign-in-facts.js';

const linkStart = '/auth/github/start?purpose=link';
const reauth = '/login?error=reauth_required&return_to=/profile';

describe('linking and unlinking sign-in methods from the profile', () => {
  let world: GitHubSignInWorld;
  beforeAll(async () => {
    world = await startGitHubSignInWorld();
  });
  afterAll(() => world?.close());

  /** The first admin (a local user with a password), signed in now in a new browser. */
  const signedInOwner = async () => {
    const browser = new GitHubBrowser(world);
    await browser.signInWithPassword('admin@acme.test', adminPassword);
    return browser;
  };

  it('needs a sign-in of the last ten minutes: otherwise reauth_required, and nothing is started', async () => {
    expect(await new GitHubBrowser(world).redirectOf(linkStart)).toBe(reauth);

    const browser = await signedInOwner();
    await world.service.database.db
      .updateTable('sessions')
      .set({ created_at: new Date(Date.now() - 11 * 60_000).toISOString() })
      .where('id_hash', '=', hashToken(browser.cookies.get('scm_session')!))
      .execute();
    expect(await browser.redirectOf(linkStart)).toBe(reauth);
    expect(browser.cookies.has('scm_sign_in')).toBe(false);
  });

  it('links GitHub to the signed-in person, ends their other sessions, and then signs them in with it', async () => {
    const browser = await signedInOwner();
    const elsewhere = await signedInOwner();
    const ownerId = (await (await browser.api()).get<SessionBody>('/api/v1/session')).body.user.id;

    const authorize = await browser.redirectOf(linkStart);
    const back = await browser.authorizeOnGitHub(authorize, octoAdmin);
    expect(await browser.redirectOf(back)).toBe('/profile?linked=github');

    // Credentials changed: the person's other sessions are over; this browser has a new one.
    expect((await (await elsewhere.api()).get('/api/v1/session')).status).toBe(401);
    expect((await world.owner.get('/api/v1/session')).status).toBe(401);
    const api = await browser.api();
    expect(api.session?.user.id).toBe(ownerId);
    const identities = await api.get<Identities>('/api/v1/profile/identities');
    expect(identities.body).toMatchObject({
      hasPassword: true,
      identities: [{ provider: 'github', issuer: world.twin.webUrl, login: 'octo-admin' }],
    });
    expect(api.session?.accounts).toEqual([expect.objectContaining({ id: world.accountId, role: 'admin' })]);

    // Sign in with GitHub now lands in the same user.
    const github = new GitHubBrowser(world);
    expect(await github.signInWithGitHub(octoAdmin)).toBe('/');
    expect((await github.api()).session?.user.id).toBe(ownerId);
  });

  it('refuses to link an identity that signs in another user (identity_in_use), and ends no session', async () => {
    const dana = new GitHubBrowser(world);
    expect(await dana.signInWithGitHub(devDana)).toBe('/');
    const danaId = (await dana.api()).session!.user.id;

    const browser = await signedInOwner();
    const back = await browser.authorizeOnGitHub(await browser.redirectOf(linkStart), devDana);
    expect(await browser.redirectOf(back)).toBe('/login?error=identity_in_use');
    expect((await (await browser.api()).get('/api/v1/session')).status).toBe(200);
    const linked = await world.service.database.db
      .selectFrom('user_identities')
      .select('user_id')
      .where('login', '=', 'dev-dana')
      .execute();
    expect(linked).toEqual([{ user_id: danaId }]);
  });

  it('refuses to unlink the last way to sign in; unlinks another, and never another person’s', async () => {
    const dana = new GitHubBrowser(world);
    await dana.signInWithGitHub(devDana);
    const danaApi = await dana.api();
    const danaIdentities = (await danaApi.get<Identities>('/api/v1/profile/identities')).body;
    expect(danaIdentities.hasPassword).toBe(false);
    const only = danaIdentities.identities[0]!;
    const refused = await danaApi.delete(`/api/v1/profile/identities/${only.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'last_sign_in_method' });
    expect((await danaApi.get<Identities>('/api/v1/profile/identities')).body.identities).toHaveLength(1);

    const owner = await (await signedInOwner()).api();
    expect((await owner.delete(`/api/v1/profile/identities/${only.id}`)).status).toBe(404);
    const [github] = (await owner.get<Identities>('/api/v1/profile/identities')).body.identities;
    expect((await owner.delete(`/api/v1/profile/identities/${github!.id}`)).status).toBe(204);
    expect((await owner.get<Identities>('/api/v1/profile/identities')).body.identities).toEqual([]);

    // Unlinked, the GitHub identity no longer signs in as the first admin.
    const github2 = new GitHubBrowser(world);
    expect(await github2.signInWithGitHub(octoAdmin)).toBe('/');
    expect((await github2.api()).session?.user.id).not.toBe(owner.session?.user.id);

    const anonymous = new ApiClient(world.service.url);
    expect((await anonymous.get('/api/v1/profile/identities')).status).toBe(401);
  });

  it('a renamed GitHub login keeps its user; someone who takes the old login gets nothing of theirs', async () => {
    const first = new GitHubBrowser(world);
    await first.signInWithGitHub(devDana);
    const danaId = (await first.api()).session!.user.id;

    const dana = world.twin.state.userByLogin('dev-dana')!;
    dana.login = 'dana-renamed';
    const renamed = new GitHubBrowser(world);
    expect(await renamed.signInWithGitHub({ login: 'dana-renamed', password: devDana.password })).toBe('/');
    const renamedApi = await renamed.api();
    expect(renamedApi.session?.user.id).toBe(danaId);
    expect(
      (await renamedApi.get<Identities>('/api/v1/profile/identities')).body.identities.map((i) => i.login),
    ).toEqual(['dana-renamed']);

    // A new GitHub user takes the freed login: outside the organization, refused.
    world.twin.state.users.set(1099, {
      id: 1099,
      login: 'dev-dana',
      name: 'Someone Else',
      email: null,
      password: 'someone-pass',
      siteAdmin: false,
      type: 'User',
      createdAt: new Date().toISOString(),
    });
    const impostor = { login: 'dev-dana', password: 'someone-pass' };
    expect(await new GitHubBrowser(world).signInWithGitHub(impostor)).toBe('/login?error=not_a_member');

    // Made a member of the organization, they are a person of their own, never dana's user.
    world.twin.state.orgByLogin('acme')!.members.set(1099, 'member');
    const newcomer = new GitHubBrowser(world);
    expect(await newcomer.signInWithGitHub(impostor)).toBe('/');
    const newcomerSession = (await newcomer.api()).session!;
    expect(newcomerSession.user.id).not.toBe(danaId);
    expect(newcomerSession.user.email).toBe('1099+dev-dana@users.noreply.github.com');
  });
});
