import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../helpers/api-client.js';
import { octoAdmin, waitFor } from '../api/github/github-world.js';
import {
  addEnterprise,
  registerApp,
  startEnterpriseWorld,
  type EnterpriseWorld,
} from '../api/github/enterprise-world.js';
import { devDana, GitHubBrowser, wesWriter } from './github-sign-in-world.js';
import { setMembershipSource } from './membership-source.js';

describe('Sign in with GitHub on a GitHub Enterprise Server, through its registered app', () => {
  let world: EnterpriseWorld;
  let connectionId: string;
  let start: string;
  beforeAll(async () => {
    world = await startEnterpriseWorld();
    connectionId = await addEnterprise(world);
    const { answer, person } = await registerApp(world, connectionId);
    const back = await person.installOnGitHub(answer.headers.get('location')!, octoAdmin, 'acme');
    await person.visit(back);
    await waitFor(async () => {
      const answer = await world.admin.get<{ items: { id: string; lastSyncedAt: string | null }[] }>(
        `/api/v1/accounts/${world.accountId}/connections`,
      );
      return answer.body.items.find((c) => c.id === connectionId && c.lastSyncedAt) ? true : undefined;
    });
    await setMembershipSource(world.admin, world.accountId, connectionId, '5001');
    start = `/auth/github/start?host=${encodeURIComponent(world.twin.webUrl)}`;
  });
  afterAll(() => world?.close());

  it('lists the Enterprise Server among the sign-in methods (and no github.com without the instance’s app)', async () => {
    const answer = await new ApiClient(world.service.url).get('/api/v1/sign-in/methods');
    expect(answer.body).toEqual({
      github: [
        { webUrl: world.twin.webUrl, label: `GitHub Enterprise (${new URL(world.twin.webUrl).host})` },
      ],
      gitlab: [],
      sso: false,
    });
  });

  it('a member of the organization signs in through the connection’s app and its own callback', async () => {
    const browser = new GitHubBrowser(world);
    const authorize = new URL(await browser.redirectOf(start));
    const app = [...world.twin.state.apps.values()].find((candidate) => candidate.owner === 'acme')!;
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${world.twin.webUrl}/login/oauth/authorize`);
    expect(authorize.searchParams.get('client_id')).toBe(app.clientId);
    expect(authorize.searchParams.get('redirect_uri')).toBe(
      `${world.publicUrl}/github/setup/${connectionId}/sign-in`,
    );
    const back = await browser.authorizeOnGitHub(authorize.href, devDana);
    expect(`${back.origin}${back.pathname}`).toBe(`${world.publicUrl}/github/setup/${connectionId}/sign-in`);
    expect(await browser.redirectOf(back)).toBe('/');
    const api = await browser.api();
    expect(api.session).toMatchObject({
      user: { email: 'dana@acme.test' },
      accounts: [{ id: world.accountId, role: 'member' }],
    });
    const identities = await api.get<{ identities: { issuer: string; login: string }[] }>(
      '/api/v1/profile/identities',
    );
    expect(identities.body.identities).toEqual([
      expect.objectContaining({ issuer: world.twin.webUrl, login: 'dev-dana' }),
    ]);
  });

  it('refuses an outside collaborator, an unknown host, and a state brought to another app’s callback', async () => {
    expect(await new GitHubBrowser(world).signInWithGitHub(wesWriter, start)).toBe(
      '/login?error=not_a_member',
    );
    expect(
      await new GitHubBrowser(world).redirectOf('/auth/github/start?host=https://ghe.unknown.test'),
    ).toBe('/login?error=provider_refused');

    const browser = new GitHubBrowser(world);
    const back = await browser.authorizeOnGitHub(await browser.redirectOf(start), devDana);
    const elsewhere = new URL(back);
    elsewhere.pathname = '/github/setup/sign-in';
    expect(await browser.redirectOf(elsewhere)).toBe('/login?error=flow_expired');
  });
});
