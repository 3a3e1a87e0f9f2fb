import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  linkInstallation,
  type VerifiedInstallation,
} from '../../src/connections/github/link-installation.js';
import { insertConnection, newConnectionId } from '../../src/db/connections.js';
import { createLiveSecretBox } from '../../src/secrets/live-secret-box.js';
import type { SecretBox } from '../../src/secrets/index.js';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../helpers/database.js';
import { twoAccounts } from '../jobs/fixtures.js';

const installation = (webUrl: string): VerifiedInstallation => ({
  app: { webUrl, appId: '3001' },
  installationId: '4001',
  account: { id: '5001', login: 'acme', type: 'Organization' },
  repositorySelection: 'all',
  suspendedAt: null,
  gitHubUser: { id: '1001', login: 'octo-admin' },
});

// The setup callback and the installation webhook of one installation often arrive within milliseconds.
describeEachEngine('linking one installation from several requests at once', (engine) => {
  let database: TestDatabase;
  let secrets: SecretBox;
  let acme: string;
  beforeEach(async () => {
    database = await createTestDatabase(engine);
    secrets = createLiveSecretBox({ envValue: undefined, dataDir: database.location.dataDir });
    ({ acme } = await twoAccounts(database.db));
  });
  afterEach(() => database.close());

  const links = () =>
    database.db.selectFrom('github_installations').select(['connection_id', 'account_id']).execute();

  it('links a GitHub Enterprise Server installation once, and every request succeeds', async () => {
    const connectionId = newConnectionId();
    await insertConnection(database.db, {
      id: connectionId,
      accountId: acme,
      kind: 'github-enterprise',
      name: 'acme',
      baseUrl: 'https://ghe.acme.test',
      target: 'acme',
      settings: {},
      tokenEncrypted: null,
      caPem: null,
    });
    const link = () =>
      linkInstallation(database.db, secrets, {
        accountId: acme,
        userId: null,
        connectionId,
        setupAction: 'install',
        now: new Date(),
        installation: installation('https://ghe.acme.test'),
      });
    const outcomes = await Promise.all(Array.from({ length: 6 }, link));
    expect(outcomes.map((outcome) => outcome.connectionId)).toEqual(Array(6).fill(connectionId));
    expect(await links()).toEqual([{ connection_id: connectionId, account_id: acme }]);
  });

  it('creates one GitHub connection for an installation linked twice at once', async () => {
    const link = () =>
      linkInstallation(database.db, secrets, {
        accountId: acme,
        userId: null,
        setupAction: 'install',
        now: new Date(),
        installation: installation('https://github.com'),
      });
    const outcomes = await Promise.all(Array.from({ length: 6 }, link));
    expect(outcomes.filter((outcome) => outcome.created)).toHaveLength(1);
    const rows = await links();
    expect(rows).toHaveLength(1);
    expect(new Set(outcomes.map((outcome) => outcome.connectionId))).toEqual(
      new Set([rows[0]!.connection_id]),
    );
    const connections = await database.db
      .selectFrom('connections')
      .select('id')
      .where('account_id', '=', acme)
      .execute();
    expect(connections).toEqual([{ id: rows[0]!.connection_id }]);
  });
});
