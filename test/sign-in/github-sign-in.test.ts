import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/core/tokens.js';
import { pkceChallenge } from '../../src/membership/sign-in/pkce.js';
import { createLiveSecretBox } from '../../src/secrets/live-secret-box.js';
import { ApiClient, type SessionBody } from '../helpers/api-client.js';
import {
  devDana,
  GitHubBrowser,
  ivyInvited,
  octoAdmin,
  opsOmar,
  startGitHubSignInWorld,
  wesWriter,
  type GitHubSignInWorld,
} from './github-sign-in-world.js';
import { countUsers, type Identities } from './sign-in-facts.js';

describe('Sign in with GitHub, through the GitHub twin', () => {
  let world: GitHubSignInWorld;
  beforeAll(async () => {
    world = await startGitHubSignInWorld();
  });
  afterAll(() => world?.close());

  it('sends the browser to GitHub with the app, the callback, a single-use state and a PKCE challenge', async () => {
    const browser = new GitHubBrowser(world);
    const response = await browser.visit('/auth/github/start?return_to=/findings');
    expect(response.status).toBe(302);
    const url = new URL(response.headers.get('location')!);
    expect(`${url.origin}${url.pathname}`).toBe(`${world.twin.webUrl}/login/oauth/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'Iv23liAcmeScanner01',
      redirect_uri: `${world.publicUrl}/github/setup/sign-in`,
      state: expect.stringMatching(/^[A-Za-z0-9_-]{20,}$/),
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge_method: 'S256',
    });
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('scm_sign_in='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    // The verifier is sealed in the flow, never sent to the browser; the challenge is its S256 hash.
    const state = url.searchParams.get('state')!;
    const row = await world.service.database.db
      .selectFrom('sign_in_flows')
      .select('sealed')
      .where('state_hash', '=', hashToken(state))
      .executeTakeFirstOrThrow();
    expect(row.sealed).toMatch(/^v1:/);
    const box = createLiveSecretBox({
      envValue: world.service.config.masterKey,
      dataDir: world.service.dataDir,
    });
    const { codeVerifier } = JSON.parse(box.decrypt(row.sealed!, `sign-in-flow:${hashToken(state)}`)) as {
      codeVerifier: string;
    };
    expect(codeVerifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(url.searchParams.get('code_challenge')).toBe(pkceChallenge(codeVerifier));
    expect(response.headers.get('location')).not.toContain(codeVerifier);
  });

  it('a member of the organization signs in, lands in the account as a member, with a user of their own', async () => {
    const browser = new GitHubBrowser(world);
    const authorize = await browser.redirectOf('/auth/github/start?return_to=/findings');
    const back = await browser.authorizeOnGitHub(authorize, devDana);
    expect(`${back.origin}${back.pathname}`).toBe(`${world.publicUrl}/github/setup/sign-in`);
    expect(await browser.redirectOf(back)).toBe('/findings');
    // The flow's nonce cookie is spent with it.
    expect(browser.cookies.has('scm_sign_in')).toBe(false);

    const api = await browser.api();
    expect(api.session).toMatchObject({
      user: { email: 'dana@acme.test', name: 'Dana Developer', instanceAdmin: false },
      accounts: [{ id: world.accountId, role: 'member' }],
      currentAccountId: world.accountId,
    });
    const identities = await api.get<Identities>('/api/v1/profile/identities');
    expect(identities.body).toEqual({
      hasPassword: false,
      identities: [
        expect.objectContaining({
          provider: 'github',
          issuer: world.twin.webUrl,
          login: 'dev-dana',
          email: 'dana@acme.test',
        }),
      ],
    });
    const session = await world.service.database.db
      .selectFrom('sessions')
      .select('method')
      .where('user_id', '=', api.session!.user.id)
      .execute();
    expect(session).toEqual([{ method: 'github' }]);

    // Signing in again finds the same user.
    const again = new GitHubBrowser(world);
    expect(await again.signInWithGitHub(devDana)).toBe('/');
    expect((await again.api()).session?.user.id).toBe(api.session!.user.id);
  });

  it('never takes over a user by email: a GitHub identity whose email someone has gets a no-reply address', async () => {
    const browser = new GitHubBrowser(world);
    // octo-admin's GitHub email is the first admin's (admin@acme.test), a local user nothing links to GitHub.
    expect(await browser.signInWithGitHub(octoAdmin)).toBe('/');
    const { session } = await browser.api();
    const owner = (await world.owner.get<SessionBody>('/api/v1/session')).body;
    expect(session?.user.id).not.toBe(owner.user.id);
    expect(session?.user.email).toBe('1001+octo-admin@users.noreply.github.com');
    expect(session?.accounts).toEqual([expect.objectContaining({ id: world.accountId, role: 'member' })]);
  });

  it('refuses an outside collaborator and a pending invitation with not_a_member, and creates no user', async () => {
    const users = await countUsers(world);
    for (const who of [wesWriter, ivyInvited]) {
      const browser = new GitHubBrowser(world);
      expect(await browser.signInWithGitHub(who), who.login).toBe('/login?error=not_a_member');
      expect(browser.cookies.has('scm_session')).toBe(false);
    }
    expect(await countUsers(world)).toBe(users);
    const identities = await world.service.database.db
      .selectFrom('user_identities')
      .select('login')
      .where('login', 'in', ['wes-writer', 'ivy-invited'])
      .execute();
    expect(identities).toEqual([]);
  });

  it('a cancelled authorization is provider_refused', async () => {
    const browser = new GitHubBrowser(world);
    const authorize = await browser.redirectOf('/auth/github/start');
    // ops-omar has not authorized the app yet, so GitHub asks.
    const back = await browser.authorizeOnGitHub(authorize, opsOmar, 'Cancel');
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(await browser.redirectOf(back)).toBe('/login?error=provider_refused');
  });

  it('a state is single use: replayed, from another browser, or expired it is flow_expired', async () => {
    // Replayed after it was used.
    const first = new GitHubBrowser(world);
    const authorize = await first.redirectOf('/auth/github/start');
    const back = await first.authorizeOnGitHub(authorize, devDana);
    expect(await first.redirectOf(back)).toBe('/');
    expect(await first.redirectOf(back)).toBe('/login?error=flow_expired');

    // Followed in another browser (no nonce cookie, or another flow's): refused, and the flow is spent.
    const owner = new GitHubBrowser(world);
    const stolen = await owner.authorizeOnGitHub(await owner.redirectOf('/auth/github/start'), devDana);
    const attacker = new GitHubBrowser(world);
    await attacker.redirectOf('/auth/github/start');
    expect(await attacker.redirectOf(stolen)).toBe('/login?error=flow_expired');
    expect(attacker.cookies.has('scm_session')).toBe(false);
    expect(await owner.redirectOf(stolen)).toBe('/login?error=flow_expired');

    // Expired: ten minutes have passed since it was minted.
    const late = new GitHubBrowser(world);
    const lateBack = await late.authorizeOnGitHub(await late.redirectOf('/auth/github/start'), devDana);
    await world.service.database.db
      .updateTable('sign_in_flows')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .execute();
    expect(await late.redirectOf(lateBack)).toBe('/login?error=flow_expired');
    expect(late.cookies.has('scm_session')).toBe(false);
  });

  it('a code GitHub does not accept is provider_refused, and neither the code nor a token reaches the logs', async () => {
    const browser = new GitHubBrowser(world);
    const back = await browser.authorizeOnGitHub(await browser.redirectOf('/auth/github/start'), devDana);
    const code = back.searchParams.get('code')!;
    const state = back.searchParams.get('state')!;
    const forged = new URL(back);
    forged.searchParams.set('code', 'f00dfeedf00dfeedf00d');
    expect(await browser.redirectOf(forged)).toBe('/login?error=provider_refused');
    const text = world.logLines.join('\n');
    expect(text).toContain('sign-in: the SCM refused');
    for (const secret of [code, state, 'f00dfeedf00dfeedf00d', scannerSecret])
      expect(text).not.toContain(secret);
    expect(text).not.toMatch(/ghu_[A-Za-z0-9]{8,}/);
  });

  it('GET /sign-in/methods lists github.com when the instance has its app', async () => {
    // Public: the login page asks before anyone signs in.
    const answer = await new ApiClient(world.service.url).get('/api/v1/sign-in/methods');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      github: [{ webUrl: world.twin.webUrl, label: 'GitHub' }],
      gitlab: [],
      sso: false,
    });
  });
});

const scannerSecret = 'acme-scanner-client-secret';
