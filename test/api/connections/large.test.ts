import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../helpers/api-client.js';
import type { TestService } from '../../helpers/service.js';
import { startKits, tokenKinds, type TokenKind, type TwinKit } from '../../helpers/twin-kits.js';
import {
  connectOk,
  listOrganizations,
  loopbackEnv,
  newAccount,
  startWithAdmin,
  waitForFirstSync,
  type ProblemView,
} from './connections-api.js';

const generated = 10_000;

let service: TestService;
let admin: ApiClient;
let kits: Record<TokenKind, TwinKit>;
let closeKits: () => Promise<void>;

beforeAll(async () => {
  const started = await startKits(tokenKinds, { generatedRepositories: generated });
  kits = started.kits;
  closeKits = started.close;
  ({ service, admin } = await startWithAdmin({ ...loopbackEnv, ...started.env }));
});

afterAll(async () => {
  await service?.close();
  await closeKits?.();
});

interface Outcome {
  readonly repositoryCount: number;
  readonly syncError: ProblemView | null;
  readonly total: number;
  readonly organizationCount: number;
}

/** Connects every kind at once (the worker syncs two at a time) and waits for all five first syncs. */
async function syncAll(): Promise<Record<TokenKind, Outcome>> {
  const outcomes = await Promise.all(
    tokenKinds.map(async (kind) => {
      const accountId = await newAccount(admin, `Large ${kind}`);
      const connection = await connectOk(admin, accountId, kits[kind].connectBody());
      const synced = await waitForFirstSync(admin, accountId, connection.id, 120_000);
      const total = (await admin.get<{ total: number }>(`/api/v1/accounts/${accountId}/repositories?limit=1`))
        .body.total;
      const [organization] = await listOrganizations(admin, accountId);
      return [
        kind,
        {
          repositoryCount: synced.repositoryCount,
          syncError: synced.syncError,
          total,
          organizationCount: organization!.repositoryCount,
        },
      ] as const;
    }),
  );
  return Object.fromEntries(outcomes) as Record<TokenKind, Outcome>;
}

describe('a target with 10,000 repositories', () => {
  let outcomes: Record<TokenKind, Outcome>;
  beforeAll(async () => {
    outcomes = await syncAll();
  }, 180_000);

  it.each(tokenKinds)('%s: syncs completely, every repository once (counted by total)', (kind) => {
    const expected = kits[kind].repositoryCount;
    expect(expected).toBeGreaterThan(generated);
    // Repositories are stored once per stable id, so a total equal to the listing's size means none is
    // missing and none is doubled.
    expect(outcomes[kind]).toEqual({
      repositoryCount: expected,
      syncError: null,
      total: expected,
      organizationCount: expected,
    });
  });
});
