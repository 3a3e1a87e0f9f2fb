import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzureDevOpsTwin, type AzureDevOpsScenario, type AzureDevOpsTwin } from './index.js';

/** Graph, connectionData identities, user entitlements and per-endpoint scopes, on a small scenario. */
const scenario: AzureDevOpsScenario = {
  users: [
    { principalName: 'alice@example.com', displayName: 'Alice Admin' },
    { principalName: 'dave@example.com', displayName: 'Dave Delegate' },
    { principalName: 'erin@example.com', displayName: 'Erin Extern' },
  ],
  pats: [
    { value: 'graph', user: 'alice@example.com', scopes: ['vso.graph', 'vso.memberentitlementmanagement'] },
    { value: 'code', user: 'alice@example.com', scopes: ['vso.code'] },
    { value: 'profile', user: 'alice@example.com', scopes: ['vso.profile'] },
    { value: 'threads', user: 'alice@example.com', scopes: ['vso.threads_full'] },
    { value: 'work', user: 'alice@example.com', scopes: ['vso.work'] },
  ],
  organizations: [
    {
      name: 'contoso',
      projects: [{ name: 'Shop', repositories: [{ name: 'web' }] }],
      members: [
        { user: 'alice@example.com', collectionAdmin: true },
        { user: 'dave@example.com', groups: ['Security Leads'] },
        { user: 'erin@example.com', groups: ['Contractors'], projects: { Shop: 'projectReader' } },
      ],
      groups: [
        { name: 'Security Leads', memberOf: ['Project Collection Administrators'] },
        { name: 'Contractors', licenseRule: 'stakeholder' },
      ],
    },
    {
      name: 'opensource',
      projects: [{ name: 'Docs', visibility: 'public' }],
      members: [{ user: 'alice@example.com', collectionAdmin: true }],
    },
  ],
  graphPageSize: 2,
};

let twin: AzureDevOpsTwin;
beforeAll(async () => {
  twin = await startAzureDevOpsTwin(scenario);
});
afterAll(() => twin.close());

const suppressed = { 'x-tfs-fedauthredirect': 'Suppress' };

async function call(path: string, pat?: string, method = 'GET', body?: unknown) {
  const headers: Record<string, string> = { ...suppressed };
  if (pat) headers.authorization = `Basic ${Buffer.from(`:${pat}`).toString('base64')}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${twin.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: (text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : {}) as Record<
      string,
      unknown
    >,
  };
}

interface GraphGroup {
  readonly principalName: string;
  readonly descriptor: string;
}
interface Membership {
  readonly containerDescriptor: string;
  readonly memberDescriptor: string;
}

const preview = 'api-version=7.1-preview.1';

async function allGroups(org = 'contoso'): Promise<{ groups: GraphGroup[]; requests: number }> {
  const groups: GraphGroup[] = [];
  let requests = 0;
  for (let token: string | null = ''; token !== null; requests++) {
    const suffix: string = token ? `&continuationToken=${encodeURIComponent(token)}` : '';
    const page = await call(`/${org}/_apis/graph/groups?${preview}${suffix}`, 'graph');
    expect(page.status).toBe(200);
    groups.push(...(page.body.value as GraphGroup[]));
    token = page.headers.get('x-ms-continuationtoken');
  }
  return { groups, requests };
}

const members = async (descriptor: string, direction: string) =>
  ((await call(`/contoso/_apis/graph/Memberships/${descriptor}?direction=${direction}&${preview}`, 'graph'))
    .body.value ?? []) as Membership[];

describe('Azure DevOps twin: graph groups and memberships', () => {
  it('lists groups in pages through x-ms-continuationtoken, with the GraphGroup fields of the reference', async () => {
    expect((await call('/contoso/_apis/graph/groups?api-version=7.1', 'graph')).body.typeKey).toBe(
      'VssInvalidPreviewVersionException',
    );
    const { groups, requests } = await allGroups();
    // Readers, Contributors, Project Administrators of Shop; two built-in collection groups; two of the scenario.
    expect(groups).toHaveLength(3 + 2 + 2);
    expect(requests).toBe(4);
    const admins = groups.find((g) => g.principalName === '[contoso]\\Project Collection Administrators')!;
    expect(Object.keys(admins).sort()).toEqual(
      [
        '_links',
        'descriptor',
        'description',
        'displayName',
        'domain',
        'mailAddress',
        'origin',
        'originId',
        'principalName',
        'subjectKind',
        'url',
      ].sort(),
    );
    expect(admins).toMatchObject({ subjectKind: 'group', origin: 'vsts', mailAddress: null });
    expect(admins.descriptor).toMatch(/^vssgp\./);
    expect(groups.find((g) => g.principalName === '[Shop]\\Readers')).toBeDefined();
  });

  it('answers memberships one level down or up, nested groups as members', async () => {
    const { groups } = await allGroups();
    const named = (name: string) => groups.find((g) => g.principalName === `[contoso]\\${name}`)!.descriptor;
    const user = (principalName: string) => twin.state.users.get(principalName)!.descriptor;

    const adminMembers = await members(named('Project Collection Administrators'), 'down');
    expect(adminMembers.map((m) => m.memberDescriptor).sort()).toEqual(
      [user('alice@example.com'), named('Security Leads')].sort(),
    );
    expect(
      adminMembers.every((m) => m.containerDescriptor === named('Project Collection Administrators')),
    ).toBe(true);
    expect((await members(named('Security Leads'), 'down')).map((m) => m.memberDescriptor)).toEqual([
      user('dave@example.com'),
    ]);
    // Up is the default direction: the groups a subject is a direct member of.
    const daveUp = (
      await call(`/contoso/_apis/graph/Memberships/${user('dave@example.com')}?${preview}`, 'graph')
    ).body.value as Membership[];
    expect(daveUp.map((m) => m.containerDescriptor).sort()).toEqual(
      [named('Security Leads'), named('Project Collection Valid Users')].sort(),
    );
    expect((await call(`/contoso/_apis/graph/Memberships/vssgp.bm9wZQ?${preview}`, 'graph')).status).toBe(
      404,
    );
  });

  it('needs vso.graph for every graph endpoint', async () => {
    for (const path of ['graph/groups', 'graph/users', `graph/Memberships/${'vssgp.bm9wZQ'}`]) {
      const refused = await call(`/contoso/_apis/${path}?${preview}`, 'code');
      expect(refused.status, path).toBe(401);
      expect(refused.body.message, path).toMatch(/^TF400813: /);
    }
  });
});

describe('Azure DevOps twin: identities and entitlements', () => {
  it('names the caller in connectionData with a claims descriptor and the graph subject descriptor', async () => {
    const data = await call('/contoso/_apis/connectionData', 'code');
    const user = data.body.authenticatedUser as Record<string, unknown>;
    expect(user.descriptor).toBe(
      `Microsoft.IdentityModel.Claims.ClaimsIdentity;${twin.state.tenantId}\\alice@example.com`,
    );
    expect(user.subjectDescriptor).toBe(twin.state.users.get('alice@example.com')!.descriptor);
  });

  it('answers connectionData as the public-access identity where the organization has public projects', async () => {
    for (const pat of [undefined, 'not-a-pat']) {
      const open = await call('/opensource/_apis/connectionData', pat);
      expect(open.status).toBe(200);
      expect(open.body.authenticatedUser).toMatchObject({
        id: 'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa',
        descriptor: 'System:PublicAccess;aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa',
        providerDisplayName: 'Anonymous',
      });
      expect((await call('/contoso/_apis/connectionData', pat)).status).toBe(401);
    }
  });

  it('lists licensing group rules under groupAssignments, not group memberships', async () => {
    const answer = await call('/contoso/_apis/userentitlements?api-version=7.1', 'graph');
    const items = answer.body.items as {
      user: { principalName: string; descriptor: string };
      groupAssignments: { group: { principalName: string }; licenseRule: { accountLicenseType: string } }[];
    }[];
    const byName = Object.fromEntries(items.map((item) => [item.user.principalName, item]));
    expect(byName['alice@example.com']!.groupAssignments).toEqual([]);
    expect(byName['dave@example.com']!.groupAssignments).toEqual([]);
    expect(byName['erin@example.com']!.groupAssignments).toMatchObject([
      {
        group: { principalName: '[contoso]\\Contractors' },
        licenseRule: { accountLicenseType: 'stakeholder' },
      },
    ]);
    expect(byName['erin@example.com']!.user.descriptor).toBe(
      twin.state.users.get('erin@example.com')!.descriptor,
    );
  });
});

describe('Azure DevOps twin: scopes per endpoint, as the reference lists them', () => {
  const repo = () => twin.state.findRepo(twin.state.organizations.get('contoso')!.projects[0]!, 'web')!.id;

  it('lets vso.code, vso.work and vso.build tokens call service hooks; vso.code also lists projects', async () => {
    expect((await call('/contoso/_apis/hooks/subscriptions?api-version=7.1', 'code')).status).toBe(200);
    expect((await call('/contoso/_apis/hooks/subscriptions?api-version=7.1', 'work')).status).toBe(200);
    expect((await call('/contoso/_apis/hooks/subscriptions?api-version=7.1', 'graph')).status).toBe(401);
    // vso.code inherits vso.hooks_write, vso.hooks and then vso.profile, which the projects list accepts.
    expect((await call('/contoso/_apis/projects?api-version=7.1', 'code')).status).toBe(200);
  });

  it('takes vso.profile for projects but not for repositories', async () => {
    expect((await call('/contoso/_apis/projects?api-version=7.1&$top=1', 'profile')).status).toBe(200);
    expect((await call(`/contoso/_apis/git/repositories/${repo()}?api-version=7.1`, 'profile')).status).toBe(
      401,
    );
  });

  it('takes vso.threads_full for pull request threads but not for pushes', async () => {
    const missing = '00000000-0000-0000-0000-000000000000';
    const thread = await call(
      `/contoso/_apis/git/repositories/${missing}/pullRequests/1/threads?api-version=7.1`,
      'threads',
      'POST',
      {},
    );
    expect(thread.status).toBe(404);
    const push = await call(
      `/contoso/_apis/git/repositories/${missing}/pushes?api-version=7.1`,
      'threads',
      'POST',
      {},
    );
    expect(push.status).toBe(401);
  });
});
