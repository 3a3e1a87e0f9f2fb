import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { expectError } from '../connections/connections-api.js';
import { commitA, commitB, sarif } from './sarif-fixtures.js';
import { countIntakeRows, upload, useScansWorld } from './scans-world.js';

const world = useScansWorld({ kits: true });

const scanRow = (id: string) =>
  world.db.selectFrom('scans').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('POST …/scans: a SARIF log stored with its processing job', () => {
  it('answers 202 with the scan, and stores the log, its runs and one scan.process job in the database', async () => {
    const log = sarif(
      { tool: 'CodeQL', version: '2.17.0', automationId: '/language:javascript/run-7', results: 4 },
      { tool: 'Semgrep OSS', automationId: 'semgrep', results: 2 },
    );
    const answer = await upload(world.admin, world.accountId, log, {
      query: {
        repository: 'ACME/payments',
        commit: commitA.toUpperCase(),
        branch: 'refs/heads/feature/login',
        pullRequest: '42',
        baseCommit: commitB,
        baseBranch: 'main',
      },
    });
    expect(answer.status, answer.text).toBe(202);
    const { scan, duplicate } = answer.body;
    expect(duplicate).toBe(false);
    expect(scan).toMatchObject({
      status: 'queued',
      repository: {
        id: world.github.repositories['acme/Payments'],
        fullName: 'acme/Payments',
        connectionId: world.github.id,
      },
      commitSha: commitA,
      branch: 'feature/login',
      pullRequestNumber: 42,
      baseCommitSha: commitB,
      baseBranch: 'main',
      runs: [
        { tool: 'CodeQL', version: '2.17.0', category: '/language:javascript', resultCount: 4 },
        { tool: 'Semgrep OSS', version: null, category: '', resultCount: 2 },
      ],
      resultCount: 6,
      processedAt: null,
      summary: null,
      error: null,
      url: `${world.service.url}/findings?scan=${scan.id}`,
    });
    expect(scan.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);

    const row = await scanRow(scan.id);
    expect(row).toMatchObject({
      account_id: world.accountId,
      connection_id: world.github.id,
      repository_id: world.github.repositories['acme/Payments'],
      commit_sha: commitA,
      status: 'queued',
      result_count: 6,
      uploaded_by_user_id: expect.any(String),
      uploaded_by_token_id: null,
    });
    const text = JSON.stringify(log);
    expect(Number(row.log_bytes)).toBe(Buffer.byteLength(text));
    expect(gunzipSync(Buffer.from(row.log_gzip_base64!, 'base64')).toString('utf8')).toBe(text);

    const runs = await world.db
      .selectFrom('scan_runs')
      .selectAll()
      .where('scan_id', '=', scan.id)
      .orderBy('run_index')
      .execute();
    expect(
      runs.map((r) => [r.run_index, r.tool_name, r.tool_version, r.category, Number(r.result_count)]),
    ).toEqual([
      [0, 'CodeQL', '2.17.0', '/language:javascript', 4],
      [1, 'Semgrep OSS', null, '', 2],
    ]);
    const jobs = await world.db
      .selectFrom('jobs')
      .selectAll()
      .where('account_id', '=', world.accountId)
      .where('kind', '=', 'scan.process')
      .execute();
    expect(jobs.filter((job) => JSON.parse(job.payload).scanId === scan.id)).toHaveLength(1);
  });
});

const repositoryOf = (kind: string, fullName: string) => {
  const connection = world.connections[kind as keyof typeof world.connections];
  const repository = world.repositories.find(
    (r) => r.connectionId === connection.id && r.fullName === fullName,
  );
  if (!repository) throw new Error(`no ${fullName} on ${kind}`);
  return repository;
};

/** `http://127.0.0.1:1234` → `http://user:secret@127.0.0.1:1234`. */
const withCredentials = (base: string) => base.replace('://', '://ci-user:s3cr3t-t0ken@');

describe('POST …/scans: which repository, by URL form, per kind', () => {
  let commitIndex = 0;
  /** A fresh commit per upload, so no two are duplicates. */
  const nextCommit = () => (++commitIndex).toString(16).padStart(40, '0');

  const forms = (): [string, () => string, () => string][] => {
    const base = (kind: keyof typeof world.connections) => world.connections[kind].baseUrl.replace(/\/$/, '');
    const host = (kind: keyof typeof world.connections) => new URL(base(kind)).host;
    return [
      [
        'GitLab, https clone',
        () => `${base('gitlab')}/acme/website.git`,
        () => repositoryOf('gitlab', 'acme/website').id,
      ],
      [
        'GitLab, web page under /-/',
        () => `${base('gitlab')}/acme/backend/api/-/tree/main`,
        () => repositoryOf('gitlab', 'acme/backend/api').id,
      ],
      [
        'GitLab, old page without /-/',
        () => `${base('gitlab')}/acme/backend/api/tree/main`,
        () => repositoryOf('gitlab', 'acme/backend/api').id,
      ],
      [
        'GitLab, credentials and case',
        () => `${withCredentials(base('gitlab'))}/ACME/Website.GIT`,
        () => repositoryOf('gitlab', 'acme/website').id,
      ],
      [
        'GitLab Self-Managed, https clone',
        () => `${base('gitlab-self-managed')}/acme/website.git`,
        () => repositoryOf('gitlab-self-managed', 'acme/website').id,
      ],
      [
        'Bitbucket Cloud, web',
        () => `${base('bitbucket-cloud')}/acme/website`,
        () => repositoryOf('bitbucket-cloud', 'acme/website').id,
      ],
      [
        'Bitbucket Cloud, clone with a user',
        () => `${withCredentials(base('bitbucket-cloud'))}/acme/website.git`,
        () => repositoryOf('bitbucket-cloud', 'acme/website').id,
      ],
      [
        'Bitbucket Data Center, /scm clone',
        () => `${base('bitbucket-data-center')}/scm/shop/website.git`,
        () => repositoryOf('bitbucket-data-center', 'SHOP/website').id,
      ],
      [
        'Bitbucket Data Center, browse page',
        () => `${base('bitbucket-data-center')}/projects/SHOP/repos/website/browse`,
        () => repositoryOf('bitbucket-data-center', 'SHOP/website').id,
      ],
      [
        'Bitbucket Data Center, ssh on 7999',
        () => `ssh://git@${new URL(base('bitbucket-data-center')).hostname}:7999/SHOP/website.git`,
        () => repositoryOf('bitbucket-data-center', 'SHOP/website').id,
      ],
      [
        'Azure DevOps, web',
        () => `${base('azure-devops')}/contoso/Shop/_git/website`,
        () => repositoryOf('azure-devops', 'contoso/Shop/website').id,
      ],
      [
        'Azure DevOps, clone with the org as user',
        () => `${base('azure-devops').replace('://', '://contoso@')}/contoso/Shop/_git/website`,
        () => repositoryOf('azure-devops', 'contoso/Shop/website').id,
      ],
      [
        'GitHub, https clone with a token',
        () => 'https://x-access-token:ghs_s3cr3t@github.com/acme/payments.git',
        () => world.github.repositories['acme/Payments']!,
      ],
      [
        'GitHub, scp-like ssh',
        () => 'git@github.com:ACME/Payments.git',
        () => world.github.repositories['acme/Payments']!,
      ],
      [
        'GitHub Enterprise Server, web',
        () => 'https://ghe.example.com/acme/web-shop',
        () => world.enterprise.repositories['acme/web-shop']!,
      ],
      [
        'GitHub Enterprise Server, ssh',
        () => 'ssh://git@ghe.example.com/acme/ledger.git',
        () => world.enterprise.repositories['acme/ledger']!,
      ],
      [
        'a full name, any case',
        () => 'CONTOSO/shop/WEBSITE',
        () => repositoryOf('azure-devops', 'contoso/Shop/website').id,
      ],
      [
        'a full name of Bitbucket Data Center',
        () => 'shop/website',
        () => repositoryOf('bitbucket-data-center', 'SHOP/website').id,
      ],
      [
        'the repository id',
        () => repositoryOf('gitlab', 'acme/legacy').id,
        () => repositoryOf('gitlab', 'acme/legacy').id,
      ],
      [
        'host and port of the twin only',
        () => `http://${host('gitlab')}/acme/website`,
        () => repositoryOf('gitlab', 'acme/website').id,
      ],
    ];
  };

  it('resolves every form to its repository, and never echoes credentials', async () => {
    for (const [what, reference, expected] of forms()) {
      const answer = await upload(world.admin, world.accountId, sarif(), {
        query: { repository: reference(), commit: nextCommit() },
      });
      expect(answer.status, `${what}: ${answer.text}`).toBe(202);
      expect(answer.body.scan.repository.id, what).toBe(expected());
      expect(answer.text).not.toMatch(/s3cr3t/);
    }
  });

  it('refuses a full name several connections hold (422), and takes its URL instead', async () => {
    const ambiguous = await upload(world.admin, world.accountId, sarif(), {
      query: { repository: 'acme/web-shop', commit: nextCommit() },
    });
    const body = expectError(ambiguous, 422, 'repository_ambiguous');
    expect(body.message).toContain('acme on GitHub');
    expect(body.message).toContain('acme on GHES');
    expect(body.message).toContain('URL');
    const byUrl = await upload(world.admin, world.accountId, sarif(), {
      query: { repository: 'https://github.com/acme/web-shop', commit: nextCommit() },
    });
    expect(byUrl.body.scan.repository.id).toBe(world.github.repositories['acme/web-shop']);
  });

  it('answers an unknown repository with 404 naming what was tried and every connection searched', async () => {
    const before = await countIntakeRows(world.db, world.accountId);
    const unknown = await upload(world.admin, world.accountId, sarif(), {
      query: {
        repository: 'https://x-access-token:ghs_s3cr3t@github.com/acme/no-such-repo.git',
        commit: nextCommit(),
      },
    });
    const body = expectError(unknown, 404, 'repository_not_found', ['s3cr3t', 'ghs_']);
    expect(body.message).toContain('https://github.com/acme/no-such-repo.git');
    expect(body.message).toContain('acme/no-such-repo on "acme on GitHub" (GitHub, github.com)');
    for (const name of [
      'GitLab Cloud',
      'GitLab Self-Managed',
      'Bitbucket Cloud',
      'Bitbucket Data Center',
      'Azure DevOps',
      'GitHub Enterprise Server',
    ]) {
      expect(body.message).toContain(name);
    }
    expect(body.message).toMatch(/sync/i);

    const elsewhere = expectError(
      await upload(world.admin, world.accountId, sarif(), {
        query: { repository: 'git@example.org:acme/web-shop.git', commit: nextCommit() },
      }),
      404,
      'repository_not_found',
    );
    expect(elsewhere.message).toContain('no connection of this account is on example.org');
    const byName = expectError(
      await upload(world.admin, world.accountId, sarif(), {
        query: { repository: 'acme/nothing', commit: nextCommit() },
      }),
      404,
      'repository_not_found',
    );
    expect(byName.message).toContain('"acme/nothing"');
    expectError(
      await upload(world.admin, world.accountId, sarif(), {
        query: { repository: 'not a repository', commit: nextCommit() },
      }),
      422,
      'invalid_repository',
    );
    expect(await countIntakeRows(world.db, world.accountId)).toEqual(before);
  });

  it('refuses an excluded repository with 422 and stores nothing; included again, it is taken', async () => {
    const repository = repositoryOf('bitbucket-cloud', 'acme/api');
    const path = `/api/v1/accounts/${world.accountId}/repositories/${repository.id}`;
    expect((await world.admin.patch(path, { excluded: true })).status).toBe(200);
    const before = await countIntakeRows(world.db, world.accountId);
    const refused = await upload(world.admin, world.accountId, sarif(), {
      query: { repository: repository.id, commit: nextCommit() },
    });
    const body = expectError(refused, 422, 'repository_excluded');
    expect(body.message).toContain('acme/api');
    expect(await countIntakeRows(world.db, world.accountId)).toEqual(before);
    expect((await world.admin.patch(path, { excluded: false })).status).toBe(200);
    const taken = await upload(world.admin, world.accountId, sarif(), {
      query: { repository: repository.id, commit: nextCommit() },
    });
    expect(taken.status).toBe(202);
  });
});

describe('POST …/scans: context from the log', () => {
  const dataCenterUrl = () => `${world.connections['bitbucket-data-center'].baseUrl}/scm/SHOP/api.git`;

  it('reads repository, commit and branch from runs[].versionControlProvenance when the query leaves them out', async () => {
    const provenance = [
      { repositoryUri: dataCenterUrl(), revisionId: 'C'.repeat(40), branch: 'refs/heads/develop' },
    ];
    const answer = await upload(
      world.admin,
      world.accountId,
      sarif({ provenance }, { tool: 'other', provenance }),
    );
    expect(answer.status, answer.text).toBe(202);
    expect(answer.body.scan).toMatchObject({
      repository: { fullName: 'SHOP/api' },
      commitSha: 'c'.repeat(40),
      branch: 'develop',
      pullRequestNumber: null,
    });
  });

  it('lets the query win over the log', async () => {
    const provenance = [{ repositoryUri: dataCenterUrl(), revisionId: 'd'.repeat(40), branch: 'develop' }];
    const answer = await upload(world.admin, world.accountId, sarif({ provenance }), {
      query: { commit: 'e'.repeat(40), branch: 'release' },
    });
    expect(answer.body.scan).toMatchObject({
      commitSha: 'e'.repeat(40),
      branch: 'release',
      repository: { fullName: 'SHOP/api' },
    });
  });

  it('refuses runs that disagree on what the query leaves out, and a missing or short commit', async () => {
    const before = await countIntakeRows(world.db, world.accountId);
    const conflicting = sarif(
      { provenance: [{ repositoryUri: dataCenterUrl(), revisionId: '1'.repeat(40) }] },
      { tool: 'two', provenance: [{ repositoryUri: dataCenterUrl(), revisionId: '2'.repeat(40) }] },
    );
    const conflict = expectError(
      await upload(world.admin, world.accountId, conflicting),
      422,
      'context_conflict',
    );
    expect(conflict.message).toContain('runs[1].versionControlProvenance[0].revisionId');
    expect(conflict.message).toContain('?commit=');
    // The query settles it.
    expect(
      (await upload(world.admin, world.accountId, conflicting, { query: { commit: '3'.repeat(40) } })).status,
    ).toBe(202);

    const noCommit = expectError(
      await upload(world.admin, world.accountId, sarif({ provenance: [{ repositoryUri: dataCenterUrl() }] })),
      422,
      'commit_required',
    );
    expect(noCommit.message).toContain('?commit=');
    const short = expectError(
      await upload(
        world.admin,
        world.accountId,
        sarif({ provenance: [{ repositoryUri: dataCenterUrl(), revisionId: 'abc1234' }] }),
      ),
      422,
      'invalid_context',
    );
    expect(short.message).toContain(
      'runs[0].versionControlProvenance[0].revisionId: must be a full commit sha',
    );
    expectError(
      await upload(world.admin, world.accountId, sarif(), { query: { commit: commitA } }),
      422,
      'repository_required',
    );
    expect(await countIntakeRows(world.db, world.accountId)).toEqual({
      ...before,
      scans: before.scans + 1,
      scanRuns: before.scanRuns + 2,
      jobs: before.jobs + 1,
    });
  });
});

describe('POST …/scans: once per repository, commit, tool and category', () => {
  const query = () => ({ repository: 'https://ghe.example.com/acme/ledger', commit: 'f'.repeat(40) });

  it('answers a second identical upload with the first scan (200, duplicate), gzip or not; another category is a new scan', async () => {
    const log = sarif({ tool: 'dup-tool', automationId: 'nightly/1' });
    const first = await upload(world.admin, world.accountId, log, { query: query() });
    expect(first.status).toBe(202);
    const before = await countIntakeRows(world.db, world.accountId);
    // Another run id of the same category, gzip: the same scan.
    const again = await upload(
      world.admin,
      world.accountId,
      sarif({ tool: 'dup-tool', automationId: 'nightly/2' }),
      {
        query: query(),
        gzip: true,
      },
    );
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, scan: { id: first.body.scan.id } });
    expect(await countIntakeRows(world.db, world.accountId)).toEqual(before);
    const other = await upload(
      world.admin,
      world.accountId,
      sarif({ tool: 'dup-tool', automationId: 'weekly/1' }),
      {
        query: query(),
      },
    );
    expect(other.status).toBe(202);
    expect(other.body.scan.id).not.toBe(first.body.scan.id);
  });

  it('stores one scan when identical uploads race', async () => {
    const log = sarif({ tool: 'racer' });
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => upload(world.admin, world.accountId, log, { query: query() })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 202]);
    expect(new Set(answers.map((a) => a.body.scan.id)).size).toBe(1);
    const rows = await world.db
      .selectFrom('scan_runs')
      .select('scan_id')
      .where('account_id', '=', world.accountId)
      .where('tool_name', '=', 'racer')
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('takes the same log again once its scan failed (the failed scan keeps its history)', async () => {
    const log = sarif({ tool: 'retry-tool' });
    const first = await upload(world.admin, world.accountId, log, { query: query() });
    await world.db
      .updateTable('scans')
      .set({ status: 'failed', error_code: 'x', error_message: 'x' })
      .where('id', '=', first.body.scan.id)
      .execute();
    const again = await upload(world.admin, world.accountId, log, { query: query() });
    expect(again.status).toBe(202);
    expect(again.body.scan.id).not.toBe(first.body.scan.id);
    expect((await scanRow(first.body.scan.id)).status).toBe('failed');
  });

  it('stores a gzip upload as sent, and reads a .sarif.gz sent without Content-Encoding', async () => {
    const log = sarif({ tool: 'zipped', results: 50 });
    const zipped = await upload(world.admin, world.accountId, log, {
      query: { ...query(), commit: '9'.repeat(40) },
      gzip: true,
    });
    expect(zipped.status, zipped.text).toBe(202);
    const row = await scanRow(zipped.body.scan.id);
    expect(JSON.parse(gunzipSync(Buffer.from(row.log_gzip_base64!, 'base64')).toString('utf8'))).toEqual(log);
    expect(zipped.body.scan.resultCount).toBe(50);
    const { gzipSync } = await import('node:zlib');
    const bare = await upload(world.admin, world.accountId, log, {
      query: { ...query(), commit: '8'.repeat(40) },
      body: gzipSync(JSON.stringify(log)),
      headers: { 'content-type': 'application/json' },
    });
    expect(bare.status, bare.text).toBe(202);
  });
});

describe('GET …/scans', () => {
  it('reads a scan back and lists them newest first, by repository, page by page', async () => {
    const repositoryId = world.enterprise.repositories['acme/ledger']!;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const answer = await upload(world.admin, world.accountId, sarif({ tool: `lister-${i}` }), {
        query: { repository: repositoryId, commit: '7'.repeat(40) },
      });
      ids.push(answer.body.scan.id);
    }
    const one = await world.admin.get<{ id: string; url: string }>(
      `/api/v1/accounts/${world.accountId}/scans/${ids[1]}`,
    );
    expect(one.body).toMatchObject({ id: ids[1], url: `${world.service.url}/findings?scan=${ids[1]}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: {
        status: number;
        body: { items: { id: string; repository: { id: string } }[]; nextCursor: string | null };
      } = await world.admin.get(
        `/api/v1/accounts/${world.accountId}/scans?repositoryId=${repositoryId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.every((item) => item.repository.id === repositoryId)).toBe(true);
      seen.push(...page.body.items.map((item) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.slice(0, 3)).toEqual([...ids].reverse());
    expectError(
      await world.admin.get(`/api/v1/accounts/${world.accountId}/scans?cursor=nope`),
      400,
      'invalid_cursor',
    );
    expectError(
      await world.admin.get(`/api/v1/accounts/${world.accountId}/scans/${crypto.randomUUID()}`),
      404,
      'not_found',
    );
  });
});

describe('POST …/scans: a full run', () => {
  it('takes 25,000 results in one run and answers quickly (no work per result before the answer)', async () => {
    const log = sarif({ tool: 'big', results: 25_000 });
    const started = performance.now();
    const answer = await upload(world.admin, world.accountId, log, {
      query: { repository: 'acme/Payments', commit: '6'.repeat(40) },
      gzip: true,
    });
    const elapsed = performance.now() - started;
    expect(answer.status, answer.text).toBe(202);
    expect(answer.body.scan.resultCount).toBe(25_000);
    // Reading, checking and storing a 25,000-result log takes about a second; ten leaves room for slow machines.
    expect(elapsed).toBeLessThan(10_000);
  });
});
