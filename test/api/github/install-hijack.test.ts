import { afterEach, describe, expect, it } from 'vitest';
import { addPerson, type ApiClient } from '../../helpers/api-client.js';
import {
  devDana,
  octoAdmin,
  Person,
  signInAgain,
  startGitHubWorld,
  waitFor,
  type GitHubWorld,
} from './github-world.js';

/*
 * The install flow against the cases of the security reference (section 2.2): the setup URL trusts nothing in
 * its query, and nothing is linked unless the person proved, through GitHub, that the installation is theirs
 * and that they own its organization.
 */

const connectionCount = async (client: ApiClient, accountId: string): Promise<number> =>
  (await client.get<{ items: unknown[] }>(`/api/v1/accounts/${accountId}/connections`)).body.items.length;

const linkCount = async (world: GitHubWorld): Promise<number> =>
  (await world.service.database.db.selectFrom('github_installations').select('id').execute()).length;

/** A person with an scm-connect account of their own (another tenant), signed in. */
async function otherTenant(
  world: GitHubWorld,
  email: string,
  inviter: ApiClient = world.admin,
): Promise<{ client: ApiClient; accountId: string }> {
  const { client } = await addPerson(inviter, world.service, world.accountId, email, 'member');
  const created = await client.post<{ id: string }>('/api/v1/accounts', { name: `${email} account` });
  if (created.status !== 201) throw new Error(`account: ${created.status} ${created.text}`);
  return { client, accountId: created.body.id };
}

/** Links the organization `acme` to the world's account the honest way; answers its admin, signed in again. */
async function linkAcme(world: GitHubWorld): Promise<ApiClient> {
  const person = new Person(world, world.admin);
  const back = await person.installOnGitHub(await person.startInstall(world.accountId), octoAdmin, 'acme');
  const answer = await person.visit(back);
  if (answer.status !== 303) throw new Error(`link: ${answer.status} ${await answer.text()}`);
  return signInAgain(world);
}

/** The problem a browser is shown: the page says what went wrong, with its code, and nothing else. */
const problemOf = async (response: Response) => {
  expect(response.headers.get('content-type')).toContain('text/html');
  const html = await response.text();
  const match = /<p role="alert" data-code="([^"]*)">([^<]*)<\/p>/.exec(html);
  expect(match, html).not.toBeNull();
  return { code: match![1]!, message: match![2]! };
};

describe('the setup URL against forged and replayed redirects', () => {
  let world: GitHubWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('I1: another installation id with the attacker’s own valid state and code is refused, audited, nothing kept', async () => {
    world = await startGitHubWorld();
    const attacker = await otherTenant(world, 'mallory@evil.test');
    const person = new Person(world, attacker.client);
    // dev-dana owns acme-labs on GitHub and installs the app there: a real state and code of hers.
    const back = await person.installOnGitHub(
      await person.startInstall(attacker.accountId),
      devDana,
      'acme-labs',
    );
    back.searchParams.set('installation_id', '4010'); // victim-co's installation, which dana cannot see
    const before = world.twin.log.length;
    const answer = await person.visit(back);
    expect(answer.status).toBe(403);
    expect(await problemOf(answer)).toMatchObject({ code: 'installation_not_owned' });
    expect(await linkCount(world)).toBe(0);
    expect(await connectionCount(attacker.client, attacker.accountId)).toBe(0);
    const audit = await world.service.database.db
      .selectFrom('audit_events')
      .select(['action', 'target', 'details'])
      .where('account_id', '=', attacker.accountId)
      .where('action', '=', 'github.installation_refused')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.target).toBe('4010');
    // GitHub was asked who the person is and which installations they see, nothing about the victim's.
    const asked = world.twin.log.slice(before).map((r) => `${r.method} ${r.path}`);
    expect(asked).toContain('GET /user/installations');
    expect(asked).not.toContain('GET /app/installations/4010');
  });

  it('T12: an installation the person only sees as an organization member is refused unless they own the organization', async () => {
    world = await startGitHubWorld({
      installations: [
        { id: 4010, app: 'acme-scanner', account: 'victim-co', repository_selection: 'all' },
        { id: 4001, app: 'acme-scanner', account: 'acme', repository_selection: 'all' },
      ],
    });
    const member = await otherTenant(world, 'dana@acme.test');
    const person = new Person(world, member.client);
    // dev-dana is a plain member of acme: /user/installations lists acme's installation for her.
    const back = await person.installOnGitHub(
      await person.startInstall(member.accountId),
      devDana,
      'acme-labs',
    );
    back.searchParams.set('installation_id', '4001');
    const answer = await person.visit(back);
    expect(answer.status).toBe(403);
    expect(await problemOf(answer)).toMatchObject({ code: 'not_organization_admin' });
    expect(await linkCount(world)).toBe(0);
  });

  it('I2: an installation id with a valid state but no code binds nothing and asks GitHub who the person is', async () => {
    world = await startGitHubWorld();
    const person = new Person(world, world.admin);
    const install = new URL(await person.startInstall(world.accountId));
    const setup = new URL(`${world.publicUrl}/github/setup`);
    setup.searchParams.set('installation_id', '4010');
    setup.searchParams.set('setup_action', 'install');
    setup.searchParams.set('state', install.searchParams.get('state')!);
    const answer = await person.visit(setup);
    expect(answer.status).toBe(302);
    const authorize = new URL(answer.headers.get('location')!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${world.twin.webUrl}/login/oauth/authorize`);
    expect(authorize.searchParams.get('client_id')).toBe('Iv23liAcmeScanner01');
    expect(authorize.searchParams.get('state')).not.toBe(install.searchParams.get('state'));
    expect(await linkCount(world)).toBe(0);

    // octo-admin owns victim-co: after authorizing, the remembered installation is checked and linked.
    const back = await person.authorizeOnGitHub(authorize.href, octoAdmin);
    expect(back.searchParams.get('installation_id')).toBeNull();
    const linked = await person.visit(back);
    expect(linked.status).toBe(303);
    expect(linked.headers.get('location')).toBe('/login?reason=github-linked');
    expect(await linkCount(world)).toBe(1);
  });

  it('I3: a missing, unknown, expired, used or other-session state is refused before GitHub is asked anything', async () => {
    world = await startGitHubWorld();
    const person = new Person(world, world.admin);
    const back = await person.installOnGitHub(await person.startInstall(world.accountId), octoAdmin, 'acme');
    const state = back.searchParams.get('state')!;
    const withState = (value: string | null) => {
      const url = new URL(back);
      if (value === null) url.searchParams.delete('state');
      else url.searchParams.set('state', value);
      return url;
    };
    const before = world.twin.log.length;

    for (const forged of [null, 'not-a-state-we-made', `${state}x`]) {
      const answer = await person.visit(withState(forged));
      expect(answer.status, `state ${forged}`).toBe(400);
      expect(await problemOf(answer)).toMatchObject({ code: 'invalid_state' });
    }
    // Another person's session holding the right state and nonce.
    const other = await otherTenant(world, 'eve@acme.test');
    const stranger = new Person(world, other.client);
    stranger.nonce = person.nonce;
    expect((await stranger.visit(back)).status).toBe(400);
    // That try spent the state: its owner cannot use it any more either.
    expect((await person.visit(back)).status).toBe(400);
    // Expired: a state 10 minutes old.
    const fresh = await person.installOnGitHub(
      await person.startInstall(world.accountId),
      octoAdmin,
      'acme (installed)',
    );
    await world.service.database.db
      .updateTable('github_flow_states')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .execute();
    const expired = await person.visit(fresh);
    expect(expired.status).toBe(400);
    expect(await problemOf(expired)).toMatchObject({ code: 'invalid_state' });

    const asked = world.twin.log.slice(before).map((r) => r.path);
    expect(
      asked.filter((path) => path === '/login/oauth/access_token' || /^\/(user|app)(\/|$)/.test(path)),
    ).toEqual([]);
    expect(await linkCount(world)).toBe(0);
  });

  it('I4: the same code a second time is refused by GitHub and leaves the first link alone', async () => {
    world = await startGitHubWorld();
    const person = new Person(world, world.admin);
    const back = await person.installOnGitHub(await person.startInstall(world.accountId), octoAdmin, 'acme');
    expect((await person.visit(back)).status).toBe(303);
    const client = await signInAgain(world);
    const again = new Person(world, client);
    const replay = new URL(back);
    replay.searchParams.set(
      'state',
      new URL(await again.startInstall(world.accountId)).searchParams.get('state')!,
    );
    const answer = await again.visit(replay);
    expect(answer.status).toBe(400);
    expect(await problemOf(answer)).toMatchObject({ code: 'invalid_code' });
    expect(await connectionCount(client, world.accountId)).toBe(1);
    expect(await linkCount(world)).toBe(1);
  });

  it('I6: an installation another account linked is refused with 409, and that account’s link is unchanged', async () => {
    world = await startGitHubWorld();
    const admin = await linkAcme(world);
    const links = await world.service.database.db.selectFrom('github_installations').selectAll().execute();

    const owner = await otherTenant(world, 'octo@acme.test', admin);
    const person = new Person(world, owner.client);
    const installationId = links[0]!.installation_id;
    const confirm = await owner.client.post<{ url: string }>(
      `/api/v1/accounts/${owner.accountId}/github/confirm`,
      {
        installationId,
        setupAction: 'install',
      },
    );
    expect(confirm.status).toBe(200);
    person.keepNonce(confirm.headers);
    const back = await person.authorizeOnGitHub(confirm.body.url, octoAdmin);
    const answer = await person.visit(back);
    expect(answer.status).toBe(409);
    expect(await problemOf(answer)).toMatchObject({ code: 'installation_already_linked' });
    expect(await world.service.database.db.selectFrom('github_installations').selectAll().execute()).toEqual(
      links,
    );
    expect(await connectionCount(owner.client, owner.accountId)).toBe(0);
  });

  it('sharing: once the linking account allows it, another account’s owner of the organization may link it too', async () => {
    world = await startGitHubWorld();
    const admin = await linkAcme(world);
    const [connection] = (
      await admin.get<{
        items: {
          id: string;
          github: { app: null; installations: { installationId: string; allowOtherAccounts: boolean }[] };
        }[];
      }>(`/api/v1/accounts/${world.accountId}/connections`)
    ).body.items;
    expect(connection!.github.app).toBeNull();
    expect(connection!.github.installations).toMatchObject([{ allowOtherAccounts: false }]);
    const installationId = connection!.github.installations[0]!.installationId;
    const sharing = `/api/v1/accounts/${world.accountId}/connections/${connection!.id}/github/sharing`;

    const other = await otherTenant(world, 'octo@acme.test', admin);
    // From their own account the connection does not exist.
    expect(
      (
        await other.client.put(sharing.replace(world.accountId, other.accountId), {
          allowOtherAccounts: true,
        })
      ).status,
    ).toBe(404);
    // In the linking account they are a member, not an admin.
    expect((await other.client.put(sharing, { allowOtherAccounts: true })).status).toBe(403);
    expect((await admin.put(sharing, { allowOtherAccounts: true })).body).toEqual({
      allowOtherAccounts: true,
    });

    // A member of the organization who does not own it is still refused.
    const dana = new Person(world, other.client);
    const asDana = await other.client.post<{ url: string }>(
      `/api/v1/accounts/${other.accountId}/github/confirm`,
      {
        installationId,
      },
    );
    dana.keepNonce(asDana.headers);
    const refused = await dana.visit(await dana.authorizeOnGitHub(asDana.body.url, devDana));
    expect(refused.status).toBe(403);

    const owner = new Person(world, other.client);
    const asOwner = await other.client.post<{ url: string }>(
      `/api/v1/accounts/${other.accountId}/github/confirm`,
      {
        installationId,
      },
    );
    owner.keepNonce(asOwner.headers);
    const linked = await owner.visit(await owner.authorizeOnGitHub(asOwner.body.url, octoAdmin));
    expect(linked.status).toBe(303);
    expect(await linkCount(world)).toBe(2);
  });

  it('I8: an update of an installation another account linked is refused, and no repository list changes', async () => {
    world = await startGitHubWorld();
    const admin = await linkAcme(world);
    const db = world.service.database.db;
    await waitFor(
      async () =>
        (await db.selectFrom('connections').select('last_synced_at').executeTakeFirst())?.last_synced_at ??
        undefined,
    );
    const links = await db.selectFrom('github_installations').selectAll().execute();
    const repositories = await db.selectFrom('repositories').selectAll().execute();
    expect(repositories).toHaveLength(3);
    const owner = await otherTenant(world, 'octo@acme.test', admin);
    const person = new Person(world, owner.client);
    // The owner goes through the install pages again and keeps the selection as it is.
    const back = await person.installOnGitHub(
      await person.startInstall(owner.accountId),
      octoAdmin,
      'acme (installed)',
    );
    expect(back.searchParams.get('setup_action')).toBe('update');
    const answer = await person.visit(back);
    expect(answer.status).toBe(409);
    expect(await problemOf(answer)).toMatchObject({ code: 'installation_already_linked' });
    expect(await db.selectFrom('github_installations').selectAll().execute()).toEqual(links);
    expect(await db.selectFrom('repositories').selectAll().execute()).toEqual(repositories);
    expect(await connectionCount(owner.client, owner.accountId)).toBe(0);
    const syncs = await db
      .selectFrom('jobs')
      .select('payload')
      .where('kind', '=', 'connection.sync')
      .execute();
    expect(syncs.map((job) => (JSON.parse(job.payload) as { reason: string }).reason)).toEqual(['connect']);
  });

  it('I10: a cross-site navigation without the flow’s nonce cookie stops at a confirmation page', async () => {
    world = await startGitHubWorld();
    const person = new Person(world, world.admin);
    const back = await person.installOnGitHub(await person.startInstall(world.accountId), octoAdmin, 'acme');
    const answer = await person.visit(back, { withNonce: false });
    expect(answer.status).toBe(303);
    const confirm = new URL(answer.headers.get('location')!, world.publicUrl);
    expect(confirm.pathname).toBe('/github/confirm');
    expect(confirm.searchParams.get('installation_id')).toBe(back.searchParams.get('installation_id'));
    expect(await linkCount(world)).toBe(0);
    // The confirmation is a POST with the CSRF token; a cross-site one is refused.
    const forged = await world.admin.post(
      `/api/v1/accounts/${world.accountId}/github/confirm`,
      { installationId: confirm.searchParams.get('installation_id') },
      { origin: 'https://evil.test', 'sec-fetch-site': 'cross-site' },
    );
    expect(forged.status).toBe(403);
    const direct = new URL(`${world.publicUrl}/github/setup?installation_id=4010&setup_action=install`);
    const typed = await person.visit(direct);
    expect(typed.status).toBe(303);
    expect(typed.headers.get('location')).toBe('/github/confirm?installation_id=4010&setup_action=install');
  });

  it('a code without a state is never exchanged', async () => {
    world = await startGitHubWorld();
    const person = new Person(world, world.admin);
    const back = await person.installOnGitHub(await person.startInstall(world.accountId), octoAdmin, 'acme');
    back.searchParams.delete('state');
    const answer = await person.visit(back);
    expect(answer.status).toBe(400);
    expect(await problemOf(answer)).toMatchObject({ code: 'invalid_state' });
    expect(world.twin.log.map((r) => r.path)).not.toContain('/login/oauth/access_token');
  });

  it('a cancelled authorization links nothing and spends the state', async () => {
    world = await startGitHubWorld();
    const person = new Person(world, world.admin);
    const confirm = await world.admin.post<{ url: string }>(
      `/api/v1/accounts/${world.accountId}/github/confirm`,
      {
        installationId: '4010',
      },
    );
    person.keepNonce(confirm.headers);
    const back = await person.authorizeOnGitHub(confirm.body.url, octoAdmin, 'Cancel');
    expect(back.searchParams.get('error')).toBe('access_denied');
    const answer = await person.visit(back);
    expect(answer.status).toBe(400);
    expect(await problemOf(answer)).toMatchObject({ code: 'github_authorization_denied' });
    back.searchParams.delete('error');
    expect((await person.visit(back)).status).toBe(400);
    expect(await linkCount(world)).toBe(0);
  });

  it.each(['1e3', '0x10', '-1', '01', '9007199254740993.0', ' 4010', '4010 ', '99999999999999999999'])(
    'an installation id %j that is not an integer string is refused',
    async (id) => {
      world = await startGitHubWorld();
      const person = new Person(world, world.admin);
      const url = new URL(`${world.publicUrl}/github/setup`);
      url.searchParams.set('installation_id', id);
      const answer = await person.visit(url);
      expect(answer.status).toBe(400);
      expect(await problemOf(answer)).toMatchObject({ code: 'invalid_request' });
      const confirm = await world.admin.post(`/api/v1/accounts/${world.accountId}/github/confirm`, {
        installationId: id,
      });
      expect(confirm.status).toBe(400);
    },
  );

  it('an installation id past 2^53 travels as its digits, never rounded', async () => {
    world = await startGitHubWorld();
    const person = new Person(world, world.admin);
    const confirm = await world.admin.post<{ url: string }>(
      `/api/v1/accounts/${world.accountId}/github/confirm`,
      {
        installationId: '9007199254740993',
      },
    );
    expect(confirm.status).toBe(200);
    person.keepNonce(confirm.headers);
    const back = await person.authorizeOnGitHub(confirm.body.url, octoAdmin);
    const answer = await person.visit(back);
    expect(answer.status).toBe(403);
    const refused = await world.service.database.db
      .selectFrom('audit_events')
      .select('target')
      .where('action', '=', 'github.installation_refused')
      .execute();
    expect(refused).toEqual([{ target: '9007199254740993' }]);
  });
});
