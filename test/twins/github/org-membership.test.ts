import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubWebhookReceiver } from '../../../src/scm/github/webhooks.js';
import { firstHeader } from '../../../src/scm/webhook-signatures.js';
import { readVerified, startHookReceiver, type HookReceiver } from '../../providers/hook-receiver.js';
import { pkcePair, startGitHubTwin, type GitHubTwin } from './index.js';
import { loadOpenApi, newestGhesName } from './openapi-validator.js';
import { testPrivateKey } from './test-keys.js';
import { testGitHubScenario } from './test-scenario.js';
import { WebClient } from './web-client.js';

const pem = testPrivateKey();
const specs = { cloud: loadOpenApi('api.github.com'), enterprise: loadOpenApi(newestGhesName()) };
const signInCallback = 'http://127.0.0.1:8080/integrations/github/callback/sign-in';
const pkce = pkcePair('a-verifier-of-at-least-forty-three-characters-0123456789');

describe.each(['cloud', 'enterprise'] as const)(
  'GitHub twin: sign-in with PKCE and org membership (%s)',
  (flavor) => {
    let twin: GitHubTwin;
    let receiver: HookReceiver;
    let token: string;
    const spec = specs[flavor];

    beforeAll(async () => {
      const scenario = testGitHubScenario(pem);
      twin = await startGitHubTwin(
        {
          ...scenario,
          users: [
            ...scenario.users,
            { login: 'pat-pending', id: 1006, name: 'Pat Pending', password: 'pat-pass' },
          ],
          orgs: scenario.orgs.map((org) =>
            org.login === 'acme' ? { ...org, invitations: [{ login: 'pat-pending' }] } : org,
          ),
        },
        { flavor },
      );
      receiver = await startHookReceiver();
      twin.app('acme-scanner').webhookUrl = receiver.url;
      token = twin.createInstallationToken(4001);
    });
    afterAll(async () => {
      await twin.webhooks.idle();
      await receiver.close();
      await twin.close();
    });

    const api = (path: string, auth = token) =>
      fetch(`${twin.apiUrl}${path}`, { headers: { authorization: `Bearer ${auth}` } });

    const exchange = async (fields: Record<string, string>) => {
      const app = twin.app('acme-scanner');
      const response = await fetch(`${twin.webUrl}/login/oauth/access_token`, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: app.clientId,
          client_secret: app.clientSecret,
          redirect_uri: signInCallback,
          ...fields,
        }).toString(),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as Record<string, string>;
    };

    const authorizeUrl = (overrides: Record<string, string> = {}) =>
      `${twin.webUrl}/login/oauth/authorize?${new URLSearchParams({
        client_id: twin.app('acme-scanner').clientId,
        redirect_uri: signInCallback,
        state: 'state-1',
        code_challenge: pkce.challenge,
        code_challenge_method: 'S256',
        ...overrides,
      }).toString()}`;

    it('authorize with PKCE → access token → GET /user; a wrong verifier, a reused code and another redirect_uri fail', async () => {
      const web = new WebClient(twin.webUrl);
      let page = await web.signIn(await web.open(authorizeUrl()), 'dev-dana', 'dana-pass');
      expect(page.html).toContain('Authorize Acme Scanner');
      page = await web.submit(page, 'Authorize');
      const back = web.leftTo!;
      expect(`${back.origin}${back.pathname}`).toBe(signInCallback);
      expect(back.searchParams.get('state')).toBe('state-1');
      const code = back.searchParams.get('code')!;

      const badCode = {
        error: 'bad_verification_code',
        error_description: 'The code passed is incorrect or expired.',
      };
      expect(await exchange({ code })).toMatchObject(badCode);
      expect(
        await exchange({ code, code_verifier: 'not-the-verifier-but-just-as-long-as-it-should-be' }),
      ).toMatchObject(badCode);
      expect(
        await exchange({ code, code_verifier: pkce.verifier, redirect_uri: `${signInCallback}/other` }),
      ).toMatchObject({ error: 'redirect_uri_mismatch' });
      const issued = await exchange({ code, code_verifier: pkce.verifier });
      expect(issued.access_token).toMatch(/^ghu_/);
      expect(await exchange({ code, code_verifier: pkce.verifier })).toMatchObject(badCode);

      const me = await api('/user', issued.access_token!);
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({
        id: 1002,
        login: 'dev-dana',
        name: 'Dana Developer',
        email: 'dana@acme.test',
      });
    });

    it('accepts only S256 and a redirect_uri under the callback URL', async () => {
      const web = new WebClient(twin.webUrl);
      await web.signIn(await web.open('/login'), 'dev-dana', 'dana-pass');
      expect((await web.open(authorizeUrl({ code_challenge_method: 'plain' }))).status).toBe(400);
      expect((await web.open(authorizeUrl({ redirect_uri: 'http://127.0.0.1:8080/elsewhere' }))).status).toBe(
        400,
      );
      // Authorized before: straight back with a code bound to the challenge.
      await web.open(authorizeUrl({ state: 'again' }));
      expect(web.leftTo!.searchParams.get('state')).toBe('again');
    });

    it('an outside collaborator is no member: 404 membership, absent from members, still a collaborator', async () => {
      const membership = await api('/orgs/acme/memberships/wes-writer');
      expect(membership.status).toBe(404);
      expect(spec.schemaErrors('basic-error', await membership.json())).toEqual([]);
      const members = (await (await api('/orgs/acme/members')).json()) as { login: string }[];
      expect(members.map((m) => m.login)).not.toContain('wes-writer');
      const permission = await api('/repos/acme/web-shop/collaborators/wes-writer/permission');
      expect(((await permission.json()) as { permission: string }).permission).toBe('write');
    });

    it('a pending invitation: membership state pending, not among members, listed as an invitation', async () => {
      const membership = await api('/orgs/acme/memberships/pat-pending');
      const body = await membership.json();
      expect(membership.status).toBe(200);
      expect(spec.errors('GET', '/orgs/{org}/memberships/{username}', 200, body)).toEqual([]);
      expect(body).toMatchObject({ state: 'pending', role: 'member', user: { login: 'pat-pending' } });
      const members = (await (await api('/orgs/acme/members')).json()) as { login: string }[];
      expect(members.map((m) => m.login)).toEqual(['octo-admin', 'dev-dana', 'ops-omar']);
      // GitHub.com lists pending invitations; Enterprise Server has no such route.
      const listed = await api('/orgs/acme/invitations');
      if (flavor === 'cloud') {
        const invitations = await listed.json();
        expect(spec.errors('GET', '/orgs/{org}/invitations', 200, invitations)).toEqual([]);
        expect(invitations).toEqual([
          expect.objectContaining({ login: 'pat-pending', role: 'direct_member' }),
        ]);
      } else {
        expect(listed.status).toBe(404);
      }
      const own = await api(
        '/user/memberships/orgs/acme',
        twin.createUserToken('pat-pending', 'acme-scanner'),
      );
      expect(await own.json()).toMatchObject({ state: 'pending' });
    });

    it('removing a member sends a signed member_removed and cuts their access', async () => {
      const omar = twin.createUserToken('ops-omar', 'acme-scanner');
      expect((await api('/repos/acme/payments', omar)).status).toBe(200);
      const before = receiver.received.length;
      const sent = await twin.removeOrgMember('acme', 'ops-omar');
      expect(sent.map((d) => [d.event, d.action, d.installationId, d.statusCode])).toEqual([
        ['organization', 'member_removed', 4001, 202],
      ]);
      const delivery = receiver.received[before]!;
      expect(firstHeader(delivery.headers, 'x-github-event')).toBe('organization');
      const parsed = readVerified(githubWebhookReceiver, delivery, twin.app('acme-scanner').webhookSecret!);
      expect(parsed.events).toEqual([
        expect.objectContaining({
          type: 'membership.removed',
          member: expect.objectContaining({ login: 'ops-omar' }),
        }),
      ]);
      const payload = JSON.parse(delivery.rawBody.toString('utf8')) as Record<string, unknown>;
      expect(spec.schemaErrors('webhook-organization-member-removed', payload)).toEqual([]);
      expect(payload).toMatchObject({
        action: 'member_removed',
        membership: { state: 'active', role: 'member', user: { login: 'ops-omar', id: 1003 } },
        organization: { login: 'acme' },
        sender: { login: 'octo-admin' },
        installation: { id: 4001 },
      });

      expect((await api('/orgs/acme/memberships/ops-omar')).status).toBe(404);
      const members = (await (await api('/orgs/acme/members')).json()) as { login: string }[];
      expect(members.map((m) => m.login)).not.toContain('ops-omar');
      expect((await api('/repos/acme/payments', omar)).status).toBe(404);
    });

    it('invite, then accept: member_invited then member_added; a role change sends nothing', async () => {
      const before = receiver.received.length;
      await twin.inviteOrgMember('acme', 'rita-reader');
      expect(await (await api('/orgs/acme/memberships/rita-reader')).json()).toMatchObject({
        state: 'pending',
      });
      await twin.addOrgMember('acme', 'rita-reader');
      twin.setOrgMemberRole('acme', 'rita-reader', 'admin');
      await twin.webhooks.idle();
      const payloads = receiver.received
        .slice(before)
        .map((d) => JSON.parse(d.rawBody.toString('utf8')) as { action: string });
      expect(payloads.map((p) => p.action)).toEqual(['member_invited', 'member_added']);
      expect(spec.schemaErrors('webhook-organization-member-invited', payloads[0])).toEqual([]);
      expect(spec.schemaErrors('webhook-organization-member-added', payloads[1])).toEqual([]);
      expect(payloads[0]).toMatchObject({
        invitation: { login: 'rita-reader' },
        user: { login: 'rita-reader' },
      });
      expect(await (await api('/orgs/acme/memberships/rita-reader')).json()).toMatchObject({
        state: 'active',
        role: 'admin',
      });
    });
  },
);
