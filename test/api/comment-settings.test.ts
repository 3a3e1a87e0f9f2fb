import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { commentsEnabled, readCommentSettings } from '../../src/db/comment-settings.js';
import { addPerson, type ApiClient } from '../helpers/api-client.js';
import { expectError, newAccount } from './connections/connections-api.js';
import { insertConnection, useScansWorld, type InsertedConnection } from './scans/scans-world.js';

const world = useScansWorld({ kits: false });

interface Settings {
  ruleThreshold: number;
  blockingSeverities: string[];
}

interface Switchable {
  id: string;
  commentsEnabled: boolean;
}

const settingsPath = (accountId: string) => `/api/v1/accounts/${accountId}/comment-settings`;
const connectionPath = (accountId: string, id: string) => `/api/v1/accounts/${accountId}/connections/${id}`;
const repositoryPath = (accountId: string, id: string) => `/api/v1/accounts/${accountId}/repositories/${id}`;

let member: ApiClient;
let otherAccountId: string;
let other: InsertedConnection;

beforeAll(async () => {
  member = (await addPerson(world.admin, world.service, world.accountId, 'member@example.com', 'member'))
    .client;
  otherAccountId = await newAccount(world.admin, 'Other Security');
  other = await insertConnection(world.db, otherAccountId, {
    kind: 'github',
    name: 'other on GitHub',
    baseUrl: 'https://github.com',
    target: 'other',
    repositories: ['other/app'],
  });
});

const readSettings = async (client: ApiClient, accountId = world.accountId) => {
  const answer = await client.get<Settings>(settingsPath(accountId));
  expect(answer.status, answer.text).toBe(200);
  return answer.body;
};

const repositoryView = async (id: string): Promise<Switchable> => {
  const answer = await world.admin.get<{ items: Switchable[] }>(
    `/api/v1/accounts/${world.accountId}/repositories?limit=500`,
  );
  const found = answer.body.items.find((item) => item.id === id);
  if (!found) throw new Error(`repository ${id} not listed`);
  return found;
};

describe('GET/PUT …/comment-settings', () => {
  it('answers the defaults before anything is saved, to members too', async () => {
    const defaults = { ruleThreshold: 5, blockingSeverities: ['critical', 'high'] };
    expect(await readSettings(member)).toEqual(defaults);
    expect(await readCommentSettings(world.db, world.accountId)).toEqual(defaults);
  });

  it('saves what an admin puts, severities once each and most severe first, and records it', async () => {
    const put = await world.admin.put<Settings>(settingsPath(world.accountId), {
      ruleThreshold: 12,
      blockingSeverities: ['low', 'critical', 'low'],
    });
    expect(put.status, put.text).toBe(200);
    expect(put.body).toEqual({ ruleThreshold: 12, blockingSeverities: ['critical', 'low'] });
    expect(await readSettings(member)).toEqual(put.body);
    expect(await readCommentSettings(world.db, world.accountId)).toEqual(put.body);
    const audit = await world.db
      .selectFrom('audit_events')
      .select('details')
      .where('account_id', '=', world.accountId)
      .where('action', '=', 'comment-settings.updated')
      .execute();
    expect(audit.map((row) => JSON.parse(row.details!) as unknown)).toEqual([put.body]);

    // An empty list is a choice: nothing blocks.
    const none = await world.admin.put<Settings>(settingsPath(world.accountId), {
      ruleThreshold: 1000,
      blockingSeverities: [],
    });
    expect(none.body).toEqual({ ruleThreshold: 1000, blockingSeverities: [] });
    expect((await readCommentSettings(world.db, world.accountId)).blockingSeverities).toEqual([]);
    // Another account keeps its own (the defaults).
    expect(await readSettings(world.admin, otherAccountId)).toEqual({
      ruleThreshold: 5,
      blockingSeverities: ['critical', 'high'],
    });
  });

  it.each<[unknown, string]>([
    [
      { ruleThreshold: 0, blockingSeverities: [] },
      'body.ruleThreshold: must be a whole number from 1 to 1000',
    ],
    [
      { ruleThreshold: 1001, blockingSeverities: [] },
      'body.ruleThreshold: must be a whole number from 1 to 1000',
    ],
    [
      { ruleThreshold: 2.5, blockingSeverities: [] },
      'body.ruleThreshold: must be a whole number from 1 to 1000',
    ],
    [
      { ruleThreshold: '5', blockingSeverities: [] },
      'body.ruleThreshold: must be a whole number from 1 to 1000',
    ],
    [{ blockingSeverities: ['high'] }, 'body.ruleThreshold: must be a whole number from 1 to 1000'],
    [
      { ruleThreshold: 5, blockingSeverities: ['high', 'urgent'] },
      'body.blockingSeverities.1: must be one of critical, high, medium, low, info',
    ],
    [
      { ruleThreshold: 5, blockingSeverities: 'high' },
      'body.blockingSeverities: must be a list of severities',
    ],
    [{ ruleThreshold: 5 }, 'body.blockingSeverities: must be a list of severities'],
    [{ ruleThreshold: 5, blockingSeverities: [], inline: false }, 'body'],
  ])('refuses %j with 400 and keeps what was stored', async (body, words) => {
    const before = await readSettings(world.admin);
    const answer = expectError(
      await world.admin.put(settingsPath(world.accountId), body),
      400,
      'validation_failed',
    );
    expect(answer.message).toContain(words);
    expect(await readSettings(world.admin)).toEqual(before);
  });

  it('is written by admins only (403 for a member), and another account answers 404', async () => {
    const before = await readSettings(world.admin);
    const body = { ruleThreshold: 7, blockingSeverities: ['medium'] };
    expectError(await member.put(settingsPath(world.accountId), body), 403, 'forbidden');
    expect(await readSettings(world.admin)).toEqual(before);
    // The member belongs to one account only: another's settings do not exist for them.
    expectError(await member.get(settingsPath(otherAccountId)), 404, 'not_found');
    expectError(await member.put(settingsPath(otherAccountId), body), 404, 'not_found');
    expectError(await world.admin.get(settingsPath(randomUUID())), 404, 'not_found');
    expect(await readSettings(world.admin, otherAccountId)).toEqual({
      ruleThreshold: 5,
      blockingSeverities: ['critical', 'high'],
    });
  });
});

describe('commentsEnabled on connections', () => {
  it('is on by default, shown to members, and switched off and on by an admin alone', async () => {
    const id = world.github.id;
    const listed = await member.get<{ items: Switchable[] }>(
      `/api/v1/accounts/${world.accountId}/connections`,
    );
    expect(listed.body.items.map((item) => item.commentsEnabled)).toEqual([true, true]);

    const off = await world.admin.patch<Switchable & { name: string }>(connectionPath(world.accountId, id), {
      commentsEnabled: false,
    });
    expect(off.status, off.text).toBe(200);
    expect(off.body).toMatchObject({ id, commentsEnabled: false, name: 'acme on GitHub' });
    const one = await member.get<Switchable>(connectionPath(world.accountId, id));
    expect(one.body.commentsEnabled).toBe(false);
    const repositoryId = world.github.repositories['acme/web-shop']!;
    expect(await commentsEnabled(world.db, world.accountId, id, repositoryId)).toBe(false);
    // The other connection's repositories still get comments.
    const enterprise = world.enterprise;
    expect(
      await commentsEnabled(
        world.db,
        world.accountId,
        enterprise.id,
        enterprise.repositories['acme/ledger']!,
      ),
    ).toBe(true);

    // With another change, both are made.
    const on = await world.admin.patch<Switchable & { name: string }>(connectionPath(world.accountId, id), {
      commentsEnabled: true,
      name: 'acme (GitHub)',
    });
    expect(on.status, on.text).toBe(200);
    expect(on.body).toMatchObject({ commentsEnabled: true, name: 'acme (GitHub)' });
    expect(await commentsEnabled(world.db, world.accountId, id, repositoryId)).toBe(true);
    const audit = await world.db
      .selectFrom('audit_events')
      .select('details')
      .where('account_id', '=', world.accountId)
      .where('action', '=', 'connection.updated')
      .where('target', '=', id)
      .execute();
    expect(audit.map((row) => JSON.parse(row.details!) as unknown)).toContainEqual({
      commentsEnabled: false,
    });
  });

  it('keeps the switch when the rest of the change is refused', async () => {
    const id = world.github.id;
    // A GitHub App connection has no token to change: refused before anything is written.
    const refused = await world.admin.patch(connectionPath(world.accountId, id), {
      commentsEnabled: false,
      token: 'ghp_' + 'x'.repeat(36),
    });
    expectError(refused, 400, 'validation_failed');
    const view = await world.admin.get<Switchable>(connectionPath(world.accountId, id));
    expect(view.body.commentsEnabled).toBe(true);
    expectError(
      await world.admin.patch(connectionPath(world.accountId, id), { commentsEnabled: 'no' }),
      400,
      'validation_failed',
    );
  });

  it('is for admins of the account: 403 for a member, 404 for another account’s connection', async () => {
    expectError(
      await member.patch(connectionPath(world.accountId, world.github.id), { commentsEnabled: false }),
      403,
      'forbidden',
    );
    expectError(
      await world.admin.patch(connectionPath(world.accountId, other.id), { commentsEnabled: false }),
      404,
      'not_found',
    );
    expectError(await world.admin.get(connectionPath(world.accountId, other.id)), 404, 'not_found');
    const view = await world.admin.get<Switchable>(connectionPath(otherAccountId, other.id));
    expect(view.body.commentsEnabled).toBe(true);
    expect(
      (await world.admin.get<Switchable>(connectionPath(world.accountId, world.github.id))).body,
    ).toMatchObject({
      commentsEnabled: true,
    });
  });
});

describe('commentsEnabled on repositories', () => {
  it('is on by default and switched by the repository PATCH, alone or with tags', async () => {
    const id = world.enterprise.repositories['acme/web-shop']!;
    expect((await repositoryView(id)).commentsEnabled).toBe(true);
    const off = await world.admin.patch<Switchable & { tags: string[] }>(
      repositoryPath(world.accountId, id),
      {
        commentsEnabled: false,
      },
    );
    expect(off.status, off.text).toBe(200);
    expect(off.body).toMatchObject({ id, commentsEnabled: false, excluded: false });
    expect((await repositoryView(id)).commentsEnabled).toBe(false);
    expect(await commentsEnabled(world.db, world.accountId, world.enterprise.id, id)).toBe(false);
    // Its neighbour is untouched.
    const ledger = world.enterprise.repositories['acme/ledger']!;
    expect(await commentsEnabled(world.db, world.accountId, world.enterprise.id, ledger)).toBe(true);

    const on = await world.admin.patch<Switchable & { tags: string[] }>(repositoryPath(world.accountId, id), {
      commentsEnabled: true,
      tags: ['pci'],
    });
    expect(on.body).toMatchObject({ commentsEnabled: true, tags: ['pci'] });
    expect(await commentsEnabled(world.db, world.accountId, world.enterprise.id, id)).toBe(true);
  });

  it('answers false for a repository and connection that do not belong together or to the account', async () => {
    const repositoryId = world.enterprise.repositories['acme/ledger']!;
    expect(await commentsEnabled(world.db, world.accountId, world.github.id, repositoryId)).toBe(false);
    expect(await commentsEnabled(world.db, world.accountId, other.id, other.repositories['other/app']!)).toBe(
      false,
    );
    expect(await commentsEnabled(world.db, otherAccountId, other.id, other.repositories['other/app']!)).toBe(
      true,
    );
  });

  it('changes nothing when part of the change is invalid', async () => {
    const id = world.enterprise.repositories['acme/ledger']!;
    const answer = expectError(
      await world.admin.patch(repositoryPath(world.accountId, id), {
        commentsEnabled: false,
        tags: ['has space'],
      }),
      400,
      'validation_failed',
    );
    expect(answer.message).toContain('body.tags.0');
    expect((await repositoryView(id)).commentsEnabled).toBe(true);
    const empty = expectError(
      await world.admin.patch(repositoryPath(world.accountId, id), {}),
      400,
      'validation_failed',
    );
    expect(empty.message).toContain('send at least one of excluded, tags and commentsEnabled');
  });

  it('is for admins of the account: 403 for a member, 404 for another account’s repository', async () => {
    const id = world.enterprise.repositories['acme/ledger']!;
    expectError(
      await member.patch(repositoryPath(world.accountId, id), { commentsEnabled: false }),
      403,
      'forbidden',
    );
    const foreign = other.repositories['other/app']!;
    expectError(
      await world.admin.patch(repositoryPath(world.accountId, foreign), { commentsEnabled: false }),
      404,
      'not_found',
    );
    expect(await commentsEnabled(world.db, otherAccountId, other.id, foreign)).toBe(true);
    expect((await repositoryView(id)).commentsEnabled).toBe(true);
  });
});
