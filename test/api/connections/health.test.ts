import { beforeAll, describe, expect, it } from 'vitest';
import { tokenExpiryJobKind } from '../../../src/connections/scheduled-checks.js';
import { enqueueJob } from '../../../src/jobs/index.js';
import { tokenKinds, type TokenKind, type TwinKit } from '../../helpers/twin-kits.js';
import {
  connectionsPath,
  connectOk,
  getConnection,
  newAccount,
  syncNow,
  useServiceWithKits,
  waitForFirstSync,
  waitForJob,
  type ConnectionView,
  type TestReportView,
} from './connections-api.js';

const world = useServiceWithKits();

/** What each SCM answers once the token was revoked (the vendors' 401 bodies). */
const revokedBody: Record<TokenKind, unknown> = {
  gitlab: { message: '401 Unauthorized' },
  'gitlab-self-managed': { message: '401 Unauthorized' },
  'bitbucket-cloud': {
    type: 'error',
    error: { message: 'Token is invalid, expired, or not supported for this endpoint.' },
  },
  'bitbucket-data-center': {
    errors: [
      {
        context: null,
        message: 'Authentication failed. Please check your credentials and try again.',
        exceptionName: 'com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException',
      },
    ],
  },
  'azure-devops': {
    $id: '1',
    innerException: null,
    message: 'TF400813: The user is not authorized to access this resource.',
    typeName: 'Microsoft.TeamFoundation.Framework.Server.UnauthorizedRequestException',
    typeKey: 'UnauthorizedRequestException',
    errorCode: 0,
    eventId: 3000,
  },
};

describe.each(tokenKinds)('%s: the badge tells the truth', (kind) => {
  let kit: TwinKit;
  let accountId: string;
  let connection: ConnectionView;
  const revoke = () => kit.twin.faults.next({ kind: 'status', status: 401, body: revokedBody[kind] }, 100);
  const listed = async () =>
    (await world.admin.get<{ items: ConnectionView[] }>(connectionsPath(accountId))).body.items[0]!;

  beforeAll(async () => {
    kit = world.kits[kind];
    accountId = await newAccount(world.admin, `Health ${kind}`);
    connection = await connectOk(world.admin, accountId, kit.connectBody());
    connection = await waitForFirstSync(world.admin, accountId, connection.id);
  });

  it('is connected after the first sync, with no reason and no sync error', () => {
    expect(connection).toMatchObject({ status: 'connected', statusReason: null, syncError: null });
  });

  it('needs attention after a failed sync, with its code in the API, and the sync is not retried', async () => {
    revoke();
    let job;
    try {
      job = await syncNow(world.admin, accountId, connection.id);
    } finally {
      kit.twin.faults.clear();
    }
    expect(job).toMatchObject({ status: 'failed', attempts: 1 });
    const view = await getConnection(world.admin, accountId, connection.id);
    expect(view).toMatchObject({
      status: 'needs_attention',
      statusReason: { code: 'invalid_credentials', source: 'sync', message: job.lastError },
      syncError: { code: 'invalid_credentials', message: job.lastError },
    });
    expect(Date.parse(view.statusReason!.at)).not.toBeNaN();
    expect(await listed()).toMatchObject({ status: 'needs_attention', statusReason: view.statusReason });
  });

  it('is connected again after the next successful sync', async () => {
    const job = await syncNow(world.admin, accountId, connection.id);
    expect(job.status, job.lastError ?? '').toBe('succeeded');
    expect(await getConnection(world.admin, accountId, connection.id)).toMatchObject({
      status: 'connected',
      statusReason: null,
      syncError: null,
    });
  });

  it('needs attention after a failed scheduled check, and is connected after a test that passes', async () => {
    revoke();
    try {
      const job = await enqueueJob(world.service.database.db, {
        accountId,
        kind: tokenExpiryJobKind,
        payload: { connectionId: connection.id },
      });
      await waitForJob(world.admin, accountId, job.id);
    } finally {
      kit.twin.faults.clear();
    }
    const view = await getConnection(world.admin, accountId, connection.id);
    expect(view).toMatchObject({ status: 'needs_attention', statusReason: { source: 'test' } });
    const failing = [view.lastTest!.reachable, view.lastTest!.target, ...view.lastTest!.capabilities].find(
      (line) => line.status === 'fail',
    )!;
    expect(view.statusReason!.code).toBe(failing.code);
    expect(view.statusReason!.message).toContain(failing.message);

    const tested = await world.admin.post<TestReportView>(
      `${connectionsPath(accountId)}/${connection.id}/test`,
    );
    expect(tested.body.ok, tested.text).toBe(true);
    expect(await listed()).toMatchObject({ status: 'connected', statusReason: null });
  });
});
