import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKit, type TwinKit } from '../../helpers/twin-kits.js';
import {
  connectionsPath,
  connectOk,
  expectError,
  getConnection,
  newAccount,
  syncNow,
  useServiceWithKits,
  waitForFirstSync,
  type ConnectionView,
  type TestReportView,
} from './connections-api.js';

const world = useServiceWithKits();
/** The same instance at another address (it moved), for an Edit of the URL. */
let moved: TwinKit;

beforeAll(async () => {
  moved = await startKit('gitlab-self-managed');
});
afterAll(() => moved?.close());

/** `v1:{kid}:{iv}:{ciphertext}:{tag}` with one part replaced. */
const withPart = (value: string, index: number, replace: (part: string) => string) =>
  value
    .split(':')
    .map((part, i) => (i === index ? replace(part) : part))
    .join(':');

const flipFirst = (part: string) => `${part[0] === 'A' ? 'B' : 'A'}${part.slice(1)}`;

type Tamper = (stored: string, other: string) => string;

const tamperings: [string, Tamper][] = [
  ['altered', (stored) => withPart(stored, 3, flipFirst)],
  ['copied from another connection', (_stored, other) => other],
  ['under a key id the keyring does not have', (stored) => withPart(stored, 1, () => 'deadbeef00')],
];

describe.each(tamperings)('a stored token %s', (_what, tamper) => {
  let kit: TwinKit;
  let accountId: string;
  let connection: ConnectionView;
  const path = () => `${connectionsPath(accountId)}/${connection.id}`;

  beforeAll(async () => {
    kit = world.kits['gitlab-self-managed'];
    accountId = await newAccount(world.admin, `Unreadable ${_what}`);
    connection = await connectOk(world.admin, accountId, kit.connectBody());
    const other = await connectOk(world.admin, accountId, world.kits.gitlab.connectBody());
    await waitForFirstSync(world.admin, accountId, connection.id);
    await waitForFirstSync(world.admin, accountId, other.id);
    const db = world.service.database.db;
    const tokens = await db
      .selectFrom('connections')
      .select(['id', 'token_encrypted'])
      .where('account_id', '=', accountId)
      .execute();
    const stored = tokens.find((row) => row.id === connection.id)!.token_encrypted!;
    const copied = tokens.find((row) => row.id === other.id)!.token_encrypted!;
    await db
      .updateTable('connections')
      .set({ token_encrypted: tamper(stored, copied) })
      .where('id', '=', connection.id)
      .execute();
  });

  it('Test connection reports credentials_invalid, asking for the token again (200, not 500)', async () => {
    const answer = await world.admin.post<TestReportView>(`${path()}/test`);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toMatchObject({ ok: false, status: 'fail', target: { code: 'credentials_invalid' } });
    expect(answer.body.target.fix).toMatch(/enter the token again/i);
    expect(answer.body.reachable.status).toBe('skipped');
    const view = await getConnection(world.admin, accountId, connection.id);
    expect(view).toMatchObject({
      status: 'needs_attention',
      statusReason: { code: 'credentials_invalid', source: 'test' },
    });
    expect(view.statusReason!.message).toMatch(/enter the token again/i);
  });

  it('fails a sync at once, without retrying, and says why', async () => {
    const job = await syncNow(world.admin, accountId, connection.id);
    expect(job).toMatchObject({ status: 'failed', attempts: 1 });
    expect(job.lastError).toMatch(/enter the token again/i);
    expect(await getConnection(world.admin, accountId, connection.id)).toMatchObject({
      status: 'needs_attention',
      statusReason: { code: 'credentials_invalid', source: 'sync' },
      syncError: { code: 'credentials_invalid' },
    });
  });

  it('still renames the connection', async () => {
    const renamed = await world.admin.patch<ConnectionView>(path(), { name: 'Still here' });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body.name).toBe('Still here');
  });

  it('asks for the token again with a new URL or CA certificate, and changes nothing', async () => {
    for (const body of [{ baseUrl: moved.baseUrl }, { caPem: null }]) {
      const refused = await world.admin.patch(path(), body);
      const error = expectError(refused, 422, 'credentials_invalid');
      expect(error.message).toMatch(/enter the token again/i);
    }
    expect((await getConnection(world.admin, accountId, connection.id)).baseUrl).toBe(kit.baseUrl);
  });

  it('takes a new URL together with the token, and works again', async () => {
    const edited = await world.admin.patch<ConnectionView>(path(), {
      baseUrl: moved.baseUrl,
      token: moved.tokens.good,
    });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body).toMatchObject({ baseUrl: moved.baseUrl, status: 'connected', statusReason: null });
    const report = await world.admin.post<TestReportView>(`${path()}/test`);
    expect(report.body.ok, report.text).toBe(true);
    const job = await syncNow(world.admin, accountId, connection.id);
    expect(job.status, job.lastError ?? '').toBe('succeeded');
    expect(await getConnection(world.admin, accountId, connection.id)).toMatchObject({
      status: 'connected',
      syncError: null,
    });
  });
});
