import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../helpers/api-client.js';
import type { TestService } from '../../helpers/service.js';
import { selfManagedKinds, startKit, type SelfManagedKind, type TwinKit } from '../../helpers/twin-kits.js';
import { testCaPem } from '../../twins/server/twin-server.js';
import {
  connect,
  connectionsPath,
  expectError,
  expectNothingStored,
  getConnection,
  listAllRepositories,
  loopbackEnv,
  newAccount,
  startWithAdmin,
  waitForFirstSync,
  type ConnectionView,
} from './connections-api.js';

/** The service as the tests usually run it: loopback allowlisted, plain HTTP allowed. */
let open: { service: TestService; admin: ApiClient };
/** The service as shipped: no allowlist, https only. */
let strict: { service: TestService; admin: ApiClient; accountId: string };
const plain = {} as Record<SelfManagedKind, TwinKit>;
const tls = {} as Record<SelfManagedKind, TwinKit>;

beforeAll(async () => {
  await Promise.all(
    selfManagedKinds.map(async (kind) => {
      [plain[kind], tls[kind]] = await Promise.all([startKit(kind), startKit(kind, { tls: true })]);
    }),
  );
  const [a, b] = await Promise.all([startWithAdmin(loopbackEnv), startWithAdmin({})]);
  open = a;
  strict = b;
});

afterAll(async () => {
  await Promise.all([open?.service.close(), strict?.service.close()]);
  await Promise.all(selfManagedKinds.flatMap((kind) => [plain[kind]?.close(), tls[kind]?.close()]));
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.each(selfManagedKinds)('%s: the instance URL', (kind) => {
  let kit: TwinKit;
  let tlsKit: TwinKit;
  let accountId: string;

  beforeAll(async () => {
    kit = plain[kind];
    tlsKit = tls[kind];
    accountId = await newAccount(open.admin, `Self-managed ${kind}`);
  });

  it('answers a closed port with 502 upstream_unreachable and stores nothing', async () => {
    const port = await closedPort();
    const answer = await connect(
      open.admin,
      accountId,
      kit.connectBody({ baseUrl: `http://127.0.0.1:${port}` }),
    );
    expectError(answer, 502, 'upstream_unreachable', [kit.tokens.good]);
    await expectNothingStored(open.admin, accountId);
  });

  it.each([
    'http://169.254.169.254',
    'http://10.0.0.5',
    'http://[fd00:ec2::254]',
    'http://100.100.100.200',
    'http://192.168.1.1',
    'http://[::1]:9',
  ])('refuses %s with 400 ssrf_blocked (only 127.0.0.1 is allowlisted)', async (baseUrl) => {
    const answer = await connect(open.admin, accountId, kit.connectBody({ baseUrl }));
    expectError(answer, 400, 'ssrf_blocked', [kit.tokens.good]);
    await expectNothingStored(open.admin, accountId);
  });

  it('refuses the loopback twin with 400 ssrf_blocked when nothing is allowlisted, before any request', async () => {
    const before = tlsKit.twin.log.length;
    const answer = await connect(strict.admin, strict.accountId, tlsKit.connectBody({ caPem: testCaPem() }));
    expectError(answer, 400, 'ssrf_blocked', [tlsKit.tokens.good]);
    expect(tlsKit.twin.log.length).toBe(before);
    await expectNothingStored(strict.admin, strict.accountId);
  });

  it('refuses plain http when the operator has not allowed it: 400 scheme_not_allowed', async () => {
    const before = kit.twin.log.length;
    const answer = await connect(strict.admin, strict.accountId, kit.connectBody());
    expectError(answer, 400, 'scheme_not_allowed', [kit.tokens.good]);
    expect(kit.twin.log.length).toBe(before);
    await expectNothingStored(strict.admin, strict.accountId);
  });

  it.each([
    'file:///etc/passwd',
    'gopher://127.0.0.1:6379/_',
    'ftp://127.0.0.1/',
    'javascript:alert(1)',
    '//evil.example',
    'http://user:pass@127.0.0.1:9',
    'not a url',
  ])('refuses %s with 400 scheme_not_allowed or invalid_base_url', async (baseUrl) => {
    const answer = await connect(open.admin, accountId, kit.connectBody({ baseUrl }));
    const body = expectError(answer, 400, /^(scheme_not_allowed|invalid_base_url|validation_failed)$/, [
      kit.tokens.good,
    ]);
    expect(body.message).not.toContain('/etc/passwd');
    expect(body.message).not.toContain('pass@');
    await expectNothingStored(open.admin, accountId);
  });

  it('refuses a self-signed instance without its CA: tls_verification_failed, nothing stored', async () => {
    const answer = await connect(open.admin, accountId, tlsKit.connectBody());
    expectError(answer, 502, 'tls_verification_failed', [tlsKit.tokens.good]);
    await expectNothingStored(open.admin, accountId);
  });

  it('connects to a self-signed instance given its CA (201) and syncs through it', async () => {
    const tlsAccount = await newAccount(open.admin, `TLS ${kind}`);
    const answer = await connect(open.admin, tlsAccount, tlsKit.connectBody({ caPem: testCaPem() }));
    expect(answer.status, answer.text).toBe(201);
    expect(answer.body).toMatchObject({ hasCaCertificate: true, hasToken: true });
    expect(answer.body.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:/);
    expect(answer.text).not.toContain('BEGIN CERTIFICATE');
    await waitForFirstSync(open.admin, tlsAccount, answer.body.id);
    expect((await listAllRepositories(open.admin, tlsAccount)).total).toBe(tlsKit.repositoryCount);
  });

  it('handles an IDN host as punycode and does not echo the raw input (V4)', async () => {
    const answer = await connect(
      open.admin,
      accountId,
      kit.connectBody({ baseUrl: 'https://ğitlab.invalid' }),
    );
    expect([400, 502]).toContain(answer.status);
    const body = expectError(answer, answer.status, /^(dns_resolution_failed|invalid_base_url)$/, [
      kit.tokens.good,
    ]);
    expect(body.message).not.toContain('ğ');
    expect(body.message).toMatch(/^[\x20-\x7e]+$/);
    if (body.code === 'dns_resolution_failed') expect(body.message).toContain('xn--itlab-j1a.invalid');
    await expectNothingStored(open.admin, accountId);
  });

  it('normalizes the URL with a pasted API path and the bare URL to one base (V9)', async () => {
    const v9Account = await newAccount(open.admin, `V9 ${kind}`);
    const withApi = await connect(
      open.admin,
      v9Account,
      kit.connectBody({ baseUrl: `${kit.baseUrl}${kit.apiSuffix}/` }),
    );
    expect(withApi.status, withApi.text).toBe(201);
    expect(withApi.body.baseUrl).toBe(kit.baseUrl);
    const spellings = [kit.baseUrl, `${kit.baseUrl}/`, kit.baseUrl.replace('http://', 'HTTP://')];
    for (const baseUrl of spellings) {
      const again = await connect(open.admin, v9Account, kit.connectBody({ baseUrl }));
      expectError(again, 409, 'duplicate_connection', [kit.tokens.good]);
    }
    const list = await open.admin.get<{ items: ConnectionView[] }>(connectionsPath(v9Account));
    expect(list.body.items).toHaveLength(1);
    const stored = await getConnection(open.admin, v9Account, withApi.body.id);
    expect(stored.baseUrl).toBe(kit.baseUrl);
    await waitForFirstSync(open.admin, v9Account, withApi.body.id);
  });
});
