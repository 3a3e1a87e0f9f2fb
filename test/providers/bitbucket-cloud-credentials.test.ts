import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBitbucketCloudProvider } from '../../src/scm/bitbucket-cloud/index.js';
import type { ConnectableProvider, ConnectionSettings } from '../../src/scm/connection-settings.js';
import { ScmError } from '../../src/scm/errors.js';
import { checkTestReport, collect } from '../contract/provider-contract.js';
import { createTestProviderDeps, rejectionOf } from '../helpers/scm-http.js';
import {
  demoBitbucketCloudScenario,
  startBitbucketCloudTwin,
  type BitbucketApiTokenScope,
  type BitbucketCloudScenario,
  type BitbucketCloudTwin,
} from '../twins/bitbucket-cloud/index.js';

/** The demo workspace, plus a member without a nickname (Bitbucket's own examples show such members). */
function scenario(): BitbucketCloudScenario {
  const demo = demoBitbucketCloudScenario();
  const [acme, ...others] = demo.workspaces;
  return {
    ...demo,
    users: [...demo.users, { accountId: '557058:dave', displayName: 'Dave', email: 'dave@example.com' }],
    workspaces: [
      { ...acme!, members: [...acme!.members!, { user: '557058:dave', permission: 'member' }] },
      ...others,
    ],
  };
}

const scmError = (error: unknown): ScmError => {
  expect(error).toBeInstanceOf(ScmError);
  return error as ScmError;
};

/** The scopes a fix text names, in its order. */
const scopesNamedIn = (fix: string | undefined) =>
  [...(fix ?? '').matchAll(/`([a-z]+:[a-z]+:bitbucket)`/g)].map(
    (match) => match[1] as BitbucketApiTokenScope,
  );

const scopeRefusal = (required: string[]) => ({
  type: 'error',
  error: { message: 'Your credentials lack one or more required privilege scopes.', detail: { required } },
});

const tokenNotSupported = {
  type: 'error',
  error: { message: 'Token is invalid, expired, or not supported for this endpoint.' },
};

describe('Bitbucket Cloud provider: Atlassian API tokens and scope refusals', () => {
  let twin: BitbucketCloudTwin;
  const deps = createTestProviderDeps();
  let tokens = 0;
  /** An API token of alice with exactly `scopes`. */
  const apiToken = (scopes: readonly BitbucketApiTokenScope[]) => {
    tokens += 1;
    const token = `ATATT-test-${tokens}`;
    twin.addApiToken({ email: 'alice@example.com', token, scopes });
    return { email: 'alice@example.com', token };
  };
  const provider = (overrides: Partial<ConnectionSettings>): ConnectableProvider =>
    createBitbucketCloudProvider(
      {
        kind: 'bitbucket-cloud',
        baseUrl: new URL(twin.url),
        target: 'acme',
        token: 'bbwat-demo-full',
        ...overrides,
      },
      deps,
    );

  beforeAll(async () => {
    twin = await startBitbucketCloudTwin(scenario());
  });
  afterEach(() => {
    twin.faults.clear();
  });
  afterAll(async () => {
    await deps.close();
    await twin.close();
  });

  it('names the scope Bitbucket requires; a token made from the fix text then connects', async () => {
    const refused = scmError(await rejectionOf(provider(apiToken(['read:repository:bitbucket'])).validate()));
    expect([refused.kind, refused.code]).toEqual(['forbidden', 'insufficient_scopes']);
    expect(refused.message).toBe(
      'The token lacks `read:workspace:bitbucket`; Bitbucket Cloud connections need `read:workspace:bitbucket`, `read:repository:bitbucket`.',
    );

    const named = scopesNamedIn(refused.fix);
    expect(named).toContain('read:workspace:bitbucket');
    const result = await provider(apiToken(named)).validate();
    expect(result.organization).toMatchObject({ externalId: twin.workspace('acme').uuid, name: 'acme' });
  });

  it('names the missing scope from `required` also when it is not one the connection needs', async () => {
    twin.faults.next(
      { kind: 'status', status: 403, body: scopeRefusal(['admin:workspace:bitbucket']) },
      1,
      '/2.0/workspaces/',
    );
    const refused = scmError(
      await rejectionOf(
        provider(apiToken(['read:workspace:bitbucket', 'read:repository:bitbucket'])).validate(),
      ),
    );
    expect(refused.message).toMatch(/^The token lacks `admin:workspace:bitbucket`;/);
    expect(scopesNamedIn(refused.fix)).toEqual([
      'read:workspace:bitbucket',
      'read:repository:bitbucket',
      'admin:workspace:bitbucket',
    ]);
  });

  it('says so, without guessing a scope, when a refusal names none', async () => {
    twin.faults.next(
      { kind: 'status', status: 403, body: { type: 'error', error: { message: 'Forbidden' } } },
      1,
      '/2.0/repositories/',
    );
    const refused = scmError(await rejectionOf(provider({ token: 'bbwat-demo-full' }).validate()));
    expect(refused.code).toBe('insufficient_scopes');
    expect(refused.message).toBe(
      'Bitbucket refused the token for a missing scope; Bitbucket Cloud connections need `repository`.',
    );
  });

  it('shows an API token without `read:user:bitbucket` as its account, not as a workspace access token', async () => {
    const alice = twin.state.users.get('557058:alice')!;
    const token = apiToken(['read:workspace:bitbucket', 'read:repository:bitbucket']);
    const result = await provider(token).validate();
    expect(result.identity).toEqual({ id: alice.uuid, login: 'alice', name: 'Alice Owner' });
    const report = await provider(token).testConnection();
    checkTestReport(report);
    expect(report.identity).toEqual({ id: alice.uuid, login: 'alice', name: 'Alice Owner' });
    expect(report.ok).toBe(true);
  });

  it('reads an API token’s members with roles, a member without nickname by account id', async () => {
    const org = { externalId: twin.workspace('acme').uuid, name: 'acme' };
    const token = apiToken(['read:workspace:bitbucket', 'read:repository:bitbucket']);
    const members = await collect(provider(token).members!.listMembers(org));
    expect(Object.fromEntries(members.map((m) => [m.login, m.role]))).toEqual({
      alice: 'admin',
      bob: 'member',
      carol: 'member',
      '557058:dave': 'member',
    });
  });
});

describe('Bitbucket Cloud provider: what a workspace access token is not offered', () => {
  let twin: BitbucketCloudTwin;
  const deps = createTestProviderDeps();
  const provider = () =>
    createBitbucketCloudProvider(
      { kind: 'bitbucket-cloud', baseUrl: new URL(twin.url), target: 'acme', token: 'bbwat-demo-full' },
      deps,
    );
  const org = () => ({ externalId: twin.workspace('acme').uuid, name: 'acme' });

  beforeAll(async () => {
    twin = await startBitbucketCloudTwin(scenario());
  });
  afterEach(() => {
    twin.faults.clear();
  });
  afterAll(async () => {
    await deps.close();
    await twin.close();
  });

  it('connects although Bitbucket answers it 401 on /2.0/user', async () => {
    twin.faults.next({ kind: 'status', status: 401, body: tokenNotSupported }, 5, '/2.0/user');
    const result = await provider().validate();
    expect(result.identity).toEqual({
      id: `${twin.workspace('acme').uuid}:access-token`,
      login: 'acme-access-token',
      name: 'Access token of workspace acme',
    });
  });

  it('lists members as members although Bitbucket refuses it workspace permissions', async () => {
    const members = await collect(provider().members!.listMembers(org()));
    expect(members.map((m) => [m.login, m.role])).toEqual([
      ['alice', 'member'],
      ['bob', 'member'],
      ['carol', 'member'],
      ['557058:dave', 'member'],
    ]);
  });

  it('treats a 401 on the members endpoint as not offered, not as an invalid token', async () => {
    const members = `/2.0/workspaces/${encodeURIComponent(twin.workspace('acme').uuid)}/members`;
    twin.faults.next({ kind: 'status', status: 401, body: tokenNotSupported }, 1, members);
    const error = scmError(await rejectionOf(collect(provider().members!.listMembers(org()))));
    expect([error.kind, error.code]).toEqual(['forbidden', 'insufficient_permissions']);
    expect(error.message).toBe('Bitbucket does not show the members of `acme` to a workspace access token.');

    twin.faults.next({ kind: 'status', status: 401, body: tokenNotSupported }, 1, members);
    const report = await provider().testConnection();
    checkTestReport(report);
    expect(report.capabilities.find((row) => row.id === 'read-members')).toMatchObject({
      status: 'skipped',
      message:
        'Not offered for this credential: Bitbucket does not show the members of `acme` to a workspace access token.',
      fix: expect.stringContaining('`read:workspace:bitbucket`'),
    });
    expect([report.ok, report.target.status]).toEqual([true, 'ok']);
  });
});
