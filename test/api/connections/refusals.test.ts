import { beforeAll, describe, expect, it } from 'vitest';
import { tokenKinds, type TwinKit } from '../../helpers/twin-kits.js';
import {
  connect,
  expectError,
  expectNothingStored,
  newAccount,
  useServiceWithKits,
} from './connections-api.js';

const world = useServiceWithKits();

describe.each(tokenKinds)('%s: a refused Connect stores nothing', (kind) => {
  let kit: TwinKit;
  let accountId: string;

  beforeAll(async () => {
    kit = world.kits[kind];
    accountId = await newAccount(world.admin, `Refusals ${kind}`);
  });

  it('refuses a token the SCM never issued: 422 invalid_credentials', async () => {
    const answer = await connect(world.admin, accountId, kit.connectBody({ token: kit.tokens.bad }));
    expectError(answer, 422, 'invalid_credentials', [kit.tokens.bad]);
    await expectNothingStored(world.admin, accountId);
  });

  it('refuses an expired token: 422 invalid_credentials', async () => {
    const answer = await connect(world.admin, accountId, kit.connectBody({ token: kit.tokens.expired }));
    expectError(answer, 422, 'invalid_credentials', [kit.tokens.expired]);
    await expectNothingStored(world.admin, accountId);
  });

  it('refuses a token lacking scope: 422 insufficient_scopes naming what is missing (K11)', async () => {
    kit.arrangeInsufficientScope();
    try {
      const answer = await connect(
        world.admin,
        accountId,
        kit.connectBody({ token: kit.tokens.insufficient }),
      );
      const body = expectError(answer, 422, 'insufficient_scopes', [kit.tokens.insufficient]);
      for (const word of kit.missingScopeWords) expect(body.message).toContain(word);
    } finally {
      kit.twin.faults.clear();
    }
    await expectNothingStored(world.admin, accountId);
  });

  it('refuses a target the token cannot see: 422 target_not_found', async () => {
    const answer = await connect(world.admin, accountId, kit.connectBody({ target: kit.unknownTarget }));
    const body = expectError(answer, 422, 'target_not_found', [kit.tokens.good]);
    expect(body.message).toContain(kit.unknownTarget);
    await expectNothingStored(world.admin, accountId);
  });

  it.each([
    ['a line break (header injection)', (t: string) => `${t}\r\nX-Injected: 1`],
    ['a tab', (t: string) => `${t}\tx`],
    ['non-ASCII', (t: string) => `${t}é`],
    ['over 4 KB', (t: string) => t.padEnd(4097, 'x')],
    ['nothing', () => ''],
  ])('refuses a token with %s before calling the SCM: 400 (V5)', async (_what, mangle) => {
    const before = kit.twin.log.length;
    const answer = await connect(world.admin, accountId, kit.connectBody({ token: mangle(kit.tokens.good) }));
    const body = expectError(answer, 400, 'validation_failed');
    expect(body.message).toMatch(/token/);
    expect(answer.text).not.toContain(kit.tokens.good);
    expect(kit.twin.log.length).toBe(before);
    await expectNothingStored(world.admin, accountId);
  });

  it('never lets an SCM error body that echoes a token in a URL reach the answer (K3)', async () => {
    const leaked = 'glpat-LEAKED0123456789abcd';
    const echo = `ECHOED-UPSTREAM GET ${kit.twin.url}/api?private_token=${leaked}&access_token=${leaked}`;
    const body = { message: echo, error: echo, error_description: echo, errors: [{ message: echo }] };
    // One by one, then a 5xx (retried) whose retry meets a 4xx: every body the client reads echoes the token.
    const rounds: number[][] = [[400], [401], [403], [404], [422], [500, 400]];
    for (const statuses of rounds) {
      for (const status of statuses) kit.twin.faults.next({ kind: 'status', status, body });
      kit.twin.faults.next({ kind: 'status', status: statuses.at(-1)!, body }, 8);
      try {
        const answer = await connect(world.admin, accountId, kit.connectBody());
        expect(answer.status, answer.text).toBeGreaterThanOrEqual(400);
        for (const secret of [leaked, 'private_token', 'ECHOED-UPSTREAM', kit.tokens.good]) {
          expect(answer.text, `${statuses.join('→')}: ${answer.text}`).not.toContain(secret);
        }
      } finally {
        kit.twin.faults.clear();
      }
    }
    await expectNothingStored(world.admin, accountId);
  });

  it('refuses unknown fields and a missing target with 400 naming the field', async () => {
    const smuggled = await connect(world.admin, accountId, { ...kit.connectBody(), accountId: 'other' });
    expectError(smuggled, 400, 'validation_failed', [kit.tokens.good]);
    const targetFields = ['group', 'workspace', 'projectKey', 'organization'];
    const complete = Object.entries(kit.connectBody());
    const targetField = complete.find(([k]) => targetFields.includes(k))![0];
    const body = Object.fromEntries(complete.filter(([k]) => k !== targetField));
    const missing = await connect(world.admin, accountId, body);
    expect(expectError(missing, 400, 'validation_failed').message).toContain(targetField);
    await expectNothingStored(world.admin, accountId);
  });
});

describe('gitlab subgroups', () => {
  it.each(['gitlab', 'gitlab-self-managed'] as const)(
    '%s: refuses a subgroup with 422 subgroup_not_allowed naming the top-level group',
    async (kind) => {
      const accountId = await newAccount(world.admin, `Subgroup ${kind}`);
      const answer = await connect(
        world.admin,
        accountId,
        world.kits[kind].connectBody({ target: 'acme/backend' }),
      );
      const body = expectError(answer, 422, 'subgroup_not_allowed', [world.kits[kind].tokens.good]);
      expect(body.message).toMatch(/`acme`|"acme"|\bacme\b(?!\/)/);
      await expectNothingStored(world.admin, accountId);
    },
  );
});
