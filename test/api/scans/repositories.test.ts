import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addPerson } from '../../helpers/api-client.js';
import { expectError } from '../connections/connections-api.js';
import { commitA, commitB, sarif } from './sarif-fixtures.js';
import { upload, useScansWorld } from './scans-world.js';

const world = useScansWorld({ kits: false });

interface RepositoryItem {
  id: string;
  fullName: string;
  excluded: boolean;
  tags: string[];
  lastScan: {
    id: string;
    status: string;
    commitSha: string;
    branch: string | null;
    createdAt: string;
  } | null;
  openFindings: Record<'critical' | 'high' | 'medium' | 'low' | 'info', number>;
}

const path = (repositoryId: string) => `/api/v1/accounts/${world.accountId}/repositories/${repositoryId}`;

const list = async (query: string) => {
  const answer = await world.admin.get<{ items: RepositoryItem[]; total: number }>(
    `/api/v1/accounts/${world.accountId}/repositories?${query}`,
  );
  expect(answer.status, answer.text).toBe(200);
  return answer.body;
};

describe('PATCH …/repositories/{id}: excluded and tags (admins)', () => {
  it('sets tags lower-cased without duplicates, excludes, and records both in the audit log', async () => {
    const id = world.github.repositories['acme/web-shop']!;
    const answer = await world.admin.patch<RepositoryItem>(path(id), {
      tags: ['Team:Payments', 'pci', 'PCI', 'env/prod', 'v1.2_x-y'],
      excluded: true,
    });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toMatchObject({
      id,
      fullName: 'acme/web-shop',
      excluded: true,
      tags: ['team:payments', 'pci', 'env/prod', 'v1.2_x-y'],
      lastScan: null,
      openFindings: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
    });
    const audit = await world.db
      .selectFrom('audit_events')
      .selectAll()
      .where('account_id', '=', world.accountId)
      .where('action', '=', 'repository.updated')
      .where('target', '=', id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.details!)).toEqual({
      excluded: true,
      tags: ['team:payments', 'pci', 'env/prod', 'v1.2_x-y'],
    });
    // Only what is sent changes.
    const included = await world.admin.patch<RepositoryItem>(path(id), { excluded: false });
    expect(included.body).toMatchObject({
      excluded: false,
      tags: ['team:payments', 'pci', 'env/prod', 'v1.2_x-y'],
    });
    const cleared = await world.admin.patch<RepositoryItem>(path(id), { tags: [] });
    expect(cleared.body.tags).toEqual([]);
  });

  it.each<[unknown, string]>([
    [{}, 'send at least one of excluded, tags and commentsEnabled'],
    [{ tags: ['has space'] }, 'body.tags.0: must be 1 to 50 letters'],
    [{ tags: [''] }, 'body.tags.0'],
    [{ tags: ['x'.repeat(51)] }, 'body.tags.0'],
    [{ tags: ['<script>'] }, 'body.tags.0'],
    [{ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'body.tags: must hold at most 20 tags'],
    [{ excluded: 'yes' }, 'body.excluded'],
    [{ archived: true }, 'body'],
  ])('refuses %j with 400', async (body, words) => {
    const answer = expectError(
      await world.admin.patch(path(world.github.repositories['acme/web-shop']!), body),
      400,
      'validation_failed',
    );
    expect(answer.message).toContain(words);
  });

  it('is for admins (403 for a member), of this account (404 for another id)', async () => {
    const member = await addPerson(
      world.admin,
      world.service,
      world.accountId,
      'member@example.com',
      'member',
    );
    expectError(
      await member.client.patch(path(world.github.repositories['acme/web-shop']!), { excluded: true }),
      403,
      'forbidden',
    );
    expectError(await world.admin.patch(path(randomUUID()), { excluded: true }), 404, 'not_found');
    // A member still reads the new fields.
    const listed = await member.client.get<{ items: RepositoryItem[] }>(
      `/api/v1/accounts/${world.accountId}/repositories`,
    );
    expect(listed.body.items[0]).toHaveProperty('openFindings');
  });
});

describe('GET …/repositories: tags, exclusion, the last scan and open findings', () => {
  it('filters by tag (every one given) and by excluded', async () => {
    const { github, enterprise } = world;
    await world.admin.patch(path(github.repositories['acme/Payments']!), { tags: ['team:a', 'pci'] });
    await world.admin.patch(path(enterprise.repositories['acme/ledger']!), {
      tags: ['team:a'],
      excluded: true,
    });
    await world.admin.patch(path(enterprise.repositories['acme/web-shop']!), { tags: ['team:b'] });

    const names = (body: { items: RepositoryItem[] }) => body.items.map((item) => item.fullName).sort();
    expect(names(await list('tag=team:a'))).toEqual(['acme/Payments', 'acme/ledger']);
    expect(names(await list('tag=TEAM:A&tag=pci'))).toEqual(['acme/Payments']);
    expect(names(await list('tag=pc'))).toEqual([]);
    expect(names(await list('excluded=true'))).toEqual(['acme/ledger']);
    expect((await list('excluded=false')).items.every((item) => !item.excluded)).toBe(true);
    expect(names(await list('tag=team:a&excluded=false'))).toEqual(['acme/Payments']);
    expectError(
      await world.admin.get(`/api/v1/accounts/${world.accountId}/repositories?tag=bad%20tag`),
      400,
      'validation_failed',
    );
    await world.admin.patch(path(enterprise.repositories['acme/ledger']!), { excluded: false });
  });

  it("shows each repository's latest scan and its open findings by severity (ignored ones left out)", async () => {
    const repositoryId = world.github.repositories['acme/Payments']!;
    const first = await upload(world.admin, world.accountId, sarif({ tool: 'one' }), {
      query: { repository: repositoryId, commit: commitA, branch: 'main' },
    });
    const second = await upload(world.admin, world.accountId, sarif({ tool: 'two' }), {
      query: { repository: repositoryId, commit: commitB, branch: 'develop' },
    });
    expect([first.status, second.status]).toEqual([202, 202]);

    const now = new Date().toISOString();
    const finding = (severity: 'critical' | 'high' | 'low', state: 'open' | 'fixed', ignored = false) => ({
      id: randomUUID(),
      account_id: world.accountId,
      connection_id: world.github.id,
      repository_id: repositoryId,
      branch: 'main',
      tool_name: 'one',
      category: '',
      rule_id: 'r',
      fingerprint: randomUUID(),
      state,
      ignored_reason: ignored ? ('false_positive' as const) : null,
      ignored_note: null,
      ignored_by_user_id: null,
      ignored_at: null,
      severity,
      level: 'error',
      message: 'm',
      path: null,
      start_line: null,
      start_column: null,
      end_line: null,
      end_column: null,
      details: null,
      commit_sha: commitA,
      first_seen_scan_id: first.body.scan.id,
      last_seen_scan_id: first.body.scan.id,
      fixed_in_scan_id: null,
      first_seen_at: now,
      last_seen_at: now,
      fixed_at: null,
      updated_at: now,
    });
    await world.db
      .insertInto('findings')
      .values([
        finding('critical', 'open'),
        finding('high', 'open'),
        finding('high', 'open'),
        finding('high', 'open', true),
        finding('low', 'fixed'),
      ])
      .execute();

    const item = (await list('q=payments')).items.find((r) => r.id === repositoryId)!;
    expect(item.lastScan).toEqual({
      id: second.body.scan.id,
      status: 'queued',
      commitSha: commitB,
      branch: 'develop',
      createdAt: second.body.scan.createdAt,
    });
    expect(item.openFindings).toEqual({ critical: 1, high: 2, medium: 0, low: 0, info: 0 });
    const other = (await list('q=ledger')).items[0]!;
    expect(other).toMatchObject({
      lastScan: null,
      openFindings: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
    });
  });
});
