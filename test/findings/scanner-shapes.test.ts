import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../helpers/database.js';
import {
  FakeFiles,
  findingsOf,
  scanAndProcess,
  sarifLog,
  seedRepository,
  sha,
  type Seeded,
} from './fixtures.js';

const commit = sha('shapes');

const codeql = {
  tool: {
    driver: {
      name: 'CodeQL',
      version: '2.20.0',
      rules: [
        {
          id: 'js/sql-injection',
          name: 'SqlInjection',
          shortDescription: { text: 'Database query built from user-controlled sources' },
          fullDescription: { text: 'Building a database query from user-controlled sources is vulnerable.' },
          help: { text: 'Use parameters.', markdown: '# SQL injection\nUse **parameters**.' },
          defaultConfiguration: { level: 'error' },
          properties: { 'security-severity': '8.8', tags: ['security', 'external/cwe/cwe-089'] },
        },
      ],
    },
  },
  automationDetails: { id: 'codeql/javascript/2030-01-01' },
  results: [
    {
      ruleId: 'js/sql-injection',
      ruleIndex: 0,
      message: { text: 'This query depends on a [user-provided value](1).' },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'src/db.js', uriBaseId: '%SRCROOT%', index: 0 },
            region: { startLine: 12, startColumn: 5, endColumn: 40 },
          },
        },
      ],
      partialFingerprints: { primaryLocationLineHash: 'a1b2c3d4e5f6:1' },
      relatedLocations: [
        {
          id: 1,
          physicalLocation: { artifactLocation: { uri: 'src/routes.js' }, region: { startLine: 3 } },
          message: { text: 'user-provided value' },
        },
      ],
      codeFlows: [
        {
          threadFlows: [
            {
              locations: [
                {
                  location: {
                    physicalLocation: {
                      artifactLocation: { uri: 'src/routes.js' },
                      region: { startLine: 3 },
                    },
                    message: { text: 'req.query.id' },
                  },
                },
                {
                  location: {
                    physicalLocation: {
                      artifactLocation: { uri: './src//db.js', uriBaseId: '%SRCROOT%' },
                      region: { startLine: 12 },
                    },
                    message: { text: 'query(sql)' },
                  },
                },
              ],
            },
          ],
        },
      ],
    },
  ],
};

const semgrep = {
  tool: {
    driver: {
      name: 'Semgrep OSS',
      rules: [
        {
          id: 'python.lang.security.audit.eval-detected',
          shortDescription: { text: 'eval() detected' },
          helpUri: 'https://semgrep.dev/r/python.lang.security.audit.eval-detected',
          defaultConfiguration: { level: 'warning' },
          properties: { tags: ['security'] },
        },
      ],
    },
  },
  results: [
    {
      ruleId: 'python.lang.security.audit.eval-detected',
      message: { text: 'Detected eval() with a non-literal argument.' },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'app/main.py' },
            region: { startLine: 7, endLine: 8 },
          },
        },
      ],
      fingerprints: { 'matchBasedId/v1': 'semgrep-match-1' },
      fixes: [
        {
          description: { text: 'Use ast.literal_eval' },
          artifactChanges: [
            {
              artifactLocation: { uri: 'app/main.py' },
              replacements: [
                {
                  deletedRegion: { startLine: 7, startColumn: 1, endLine: 7, endColumn: 20 },
                  insertedContent: { text: 'ast.literal_eval(x)' },
                },
              ],
            },
          ],
        },
      ],
    },
  ],
};

const trivy = {
  tool: {
    driver: {
      name: 'Trivy',
      rules: [
        {
          id: 'CVE-2024-0001',
          shortDescription: { text: 'openssl: a critical flaw' },
          properties: { 'security-severity': '9.8', tags: ['vulnerability', 'CRITICAL'] },
        },
        {
          id: 'CVE-2024-0002',
          shortDescription: { text: 'zlib: a small flaw' },
          properties: { 'security-severity': 3.1 },
        },
      ],
    },
  },
  results: [
    { ruleId: 'CVE-2024-0001', ruleIndex: 0, level: 'error', message: { text: 'Package: openssl 3.0.1' } },
    { ruleIndex: 1, message: { text: 'Package: zlib 1.2.11' } },
  ],
};

describeEachEngine('findings from the shapes scanners produce', (engine) => {
  let database: TestDatabase;
  let seeded: Seeded;
  beforeEach(async () => {
    database = await createTestDatabase(engine);
    seeded = await seedRepository(database.db);
  });
  afterEach(() => database.close());

  it('CodeQL: rules upserted, severity from security-severity, code flows and related locations normalized', async () => {
    const { summary } = await scanAndProcess(database.db, seeded, {
      commitSha: commit,
      log: sarifLog(codeql),
    });
    expect(summary).toMatchObject({ results: 1, open: 1, new: 1, bySeverity: { high: 1 } });
    const [finding] = await findingsOf(database.db, seeded);
    expect(finding).toMatchObject({
      tool_name: 'CodeQL',
      category: 'codeql/javascript',
      rule_id: 'js/sql-injection',
      severity: 'high',
      level: 'error',
      path: 'src/db.js',
      start_line: 12,
      end_line: 12,
      start_column: 5,
      end_column: 40,
      state: 'open',
      commit_sha: commit,
    });
    const details = JSON.parse(finding!.details!);
    expect(details.identity.source).toBe('partialFingerprints');
    expect(details.relatedLocations).toEqual([
      {
        message: 'user-provided value',
        location: {
          path: 'src/routes.js',
          startLine: 3,
          endLine: 3,
          startColumn: null,
          endColumn: null,
          unlinkedReason: null,
        },
      },
    ]);
    expect(
      details.codeFlows[0].steps.map((step: { location: { path: string } }) => step.location.path),
    ).toEqual(['src/routes.js', 'src/db.js']);
    const rule = await database.db
      .selectFrom('scan_rules')
      .selectAll()
      .where('rule_id', '=', 'js/sql-injection')
      .executeTakeFirstOrThrow();
    expect(rule).toMatchObject({
      tool_name: 'CodeQL',
      name: 'SqlInjection',
      short_description: 'Database query built from user-controlled sources',
      help_markdown: '# SQL injection\nUse **parameters**.',
      default_level: 'error',
      security_severity: '8.8',
    });
    expect(JSON.parse(rule.tags)).toEqual(['security', 'external/cwe/cwe-089']);
  });

  it('Semgrep: the matchBasedId fingerprint is the identity and fixes are kept', async () => {
    const first = await scanAndProcess(database.db, seeded, { commitSha: commit, log: sarifLog(semgrep) });
    const moved = structuredClone(semgrep);
    moved.results[0]!.locations[0]!.physicalLocation.region = { startLine: 30, endLine: 31 };
    await scanAndProcess(database.db, seeded, { commitSha: sha('semgrep-2'), log: sarifLog(moved) });
    const findings = await findingsOf(database.db, seeded);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      state: 'open',
      start_line: 30,
      severity: 'medium',
      first_seen_scan_id: first.scanId,
    });
    const details = JSON.parse(findings[0]!.details!);
    expect(details.fingerprints).toEqual({ 'matchBasedId/v1': 'semgrep-match-1' });
    expect(details.fixes[0]).toMatchObject({
      description: 'Use ast.literal_eval',
      changes: [
        { path: 'app/main.py', replacements: [{ startLine: 7, insertedText: 'ast.literal_eval(x)' }] },
      ],
    });
  });

  it('Trivy: severity from the rules, results without locations identified by their message', async () => {
    const { summary } = await scanAndProcess(database.db, seeded, {
      commitSha: commit,
      log: sarifLog(trivy),
    });
    expect(summary.bySeverity).toMatchObject({ critical: 1, low: 1 });
    const findings = await findingsOf(database.db, seeded);
    expect(findings.map((f) => [f.rule_id, f.severity, f.path])).toEqual([
      ['CVE-2024-0001', 'critical', null],
      ['CVE-2024-0002', 'low', null],
    ]);
    expect(JSON.parse(findings[0]!.details!).identity).toMatchObject({ source: 'message' });
    // The same log again: the same findings, nothing new.
    const again = await scanAndProcess(database.db, seeded, {
      commitSha: sha('trivy-2'),
      log: sarifLog(trivy),
    });
    expect(again.summary).toMatchObject({ new: 0, fixed: 0, open: 2 });
  });

  it('results without fingerprints: identity from the flagged lines read at the commit, once per file', async () => {
    const files = new FakeFiles();
    files.set(commit, { 'lib/a.ts': 'const a = 1;\n  eval(input);\nconst b = 2;\n  eval(input);\n' });
    const run = {
      tool: { driver: { name: 'eslint' } },
      results: [2, 4].map((line) => ({
        ruleId: 'no-eval',
        level: 'error',
        message: { text: 'eval can be harmful.' },
        locations: [
          { physicalLocation: { artifactLocation: { uri: 'lib/a.ts' }, region: { startLine: line } } },
        ],
      })),
    };
    const { summary } = await scanAndProcess(
      database.db,
      seeded,
      { commitSha: commit, log: sarifLog(run) },
      files,
    );
    expect(files.reads).toBe(1);
    expect(summary).toMatchObject({ open: 2, new: 2 });
    expect(summary.runs[0]!.identity).toMatchObject({ content: 2 });
    const findings = await findingsOf(database.db, seeded);
    expect(new Set(findings.map((f) => f.fingerprint)).size).toBe(2);
    const stored = await database.db.selectFrom('file_line_hashes').select('blob_id').execute();
    expect(stored.length).toBe(2);

    // Another upload at the same commit reads nothing: the hashes are kept by blob.
    const other = { ...run, tool: { driver: { name: 'eslint-security' } } };
    await scanAndProcess(database.db, seeded, { commitSha: commit, log: sarifLog(other) }, files);
    expect(files.reads).toBe(1);
  });

  it('without a file reader the message stands in, with a note saying why', async () => {
    const run = {
      tool: { driver: { name: 'eslint' } },
      results: [
        {
          ruleId: 'no-eval',
          message: { text: 'eval can be harmful.' },
          locations: [
            { physicalLocation: { artifactLocation: { uri: 'lib/a.ts' }, region: { startLine: 2 } } },
          ],
        },
      ],
    };
    const { summary } = await scanAndProcess(database.db, seeded, { commitSha: commit, log: sarifLog(run) });
    expect(summary.runs[0]!.identity).toMatchObject({ message: 1 });
    expect(summary.runs[0]!.notes[0]).toContain('The test connection cannot read files.');
    const [finding] = await findingsOf(database.db, seeded);
    expect(JSON.parse(finding!.details!).identity.note).toContain('cannot read files');
  });

  it('absolute file:// URIs and uriBaseId chains become repository paths; outside ones keep no path', async () => {
    const run = {
      tool: { driver: { name: 'multi-path' } },
      originalUriBaseIds: {
        CHECKOUT: { uri: 'file:///builds/ci/api/api/' },
        SRC: { uri: 'src/', uriBaseId: 'CHECKOUT' },
        LIB: { uri: 'lib%20files/', uriBaseId: 'SRC' },
      },
      versionControlProvenance: [
        { repositoryUri: 'https://gitlab.example.com/acme/api', mappedTo: { uriBaseId: 'CHECKOUT' } },
      ],
      results: [
        ['file:///builds/ci/api/api/src/app.ts', undefined],
        ['util.ts', 'LIB'],
        ['../secrets.txt', 'CHECKOUT'],
        ['file:///etc/passwd', undefined],
        ['https://cdn.example.com/lib.js', undefined],
      ].map(([uri, uriBaseId], index) => ({
        ruleId: `r${index}`,
        message: { text: `result ${index}` },
        fingerprints: { 'id/v1': `fp-${index}` },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri, ...(uriBaseId ? { uriBaseId } : {}) },
              region: { startLine: 1 },
            },
          },
        ],
      })),
    };
    await scanAndProcess(database.db, seeded, { commitSha: commit, log: sarifLog(run) });
    const findings = await findingsOf(database.db, seeded);
    expect(findings.map((f) => f.path)).toEqual(['src/app.ts', 'src/lib files/util.ts', null, null, null]);
    const reasons = findings.slice(2).map((f) => JSON.parse(f.details!).unlinkedReason as string);
    expect(reasons[0]).toMatch(/outside the checkout/);
    expect(reasons[1]).toMatch(/outside the checkout/);
    expect(reasons[2]).toMatch(/not a file of the repository/);
  });

  it('absolute file:// URIs with no checkout root in the log (the ESLint formatter) are placed by the files the SCM holds', async () => {
    const files = new FakeFiles();
    files.set(commit, { 'src/run.js': 'export function run(code) {\n  return eval(code);\n}\n' });
    const uri = 'file:///builds/ci/api/api/src/run.js';
    const run = {
      tool: { driver: { name: 'ESLint', rules: [{ id: 'security/detect-eval-with-expression' }] } },
      artifacts: [{ location: { uri } }],
      results: [
        {
          level: 'warning',
          message: { text: 'eval with argument of type Identifier' },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri, index: 0 },
                region: { startLine: 2, startColumn: 10, endLine: 2, endColumn: 20 },
              },
            },
          ],
          ruleId: 'security/detect-eval-with-expression',
          ruleIndex: 0,
          suppressions: [],
        },
      ],
    };
    const { summary } = await scanAndProcess(
      database.db,
      seeded,
      { commitSha: commit, log: sarifLog(run) },
      files,
    );
    expect(summary.runs[0]).toMatchObject({ findings: 1, identity: { content: 1 } });
    expect(summary.runs[0]!.notes).toEqual([
      expect.stringContaining('/builds/ci/api/api/ was taken as the checkout, since src/run.js'),
    ]);
    const [finding] = await findingsOf(database.db, seeded);
    expect(finding).toMatchObject({ path: 'src/run.js', start_line: 2, state: 'open' });
    expect(JSON.parse(finding!.details!).unlinkedReason ?? null).toBeNull();
  });

  it('several runs in one log: each tool and category keeps its own findings', async () => {
    const { summary } = await scanAndProcess(database.db, seeded, {
      commitSha: commit,
      log: sarifLog(codeql, semgrep, trivy),
    });
    expect(summary.runs.map((run) => [run.tool, run.category, run.findings])).toEqual([
      ['CodeQL', 'codeql/javascript', 1],
      ['Semgrep OSS', '', 1],
      ['Trivy', '', 2],
    ]);
    expect(summary).toMatchObject({ results: 4, open: 4, new: 4 });
    // A later scan with only CodeQL fixes nothing of the other tools.
    const later = await scanAndProcess(database.db, seeded, {
      commitSha: sha('later'),
      log: sarifLog(codeql),
    });
    expect(later.summary.fixed).toBe(0);
  });

  it('pass and suppressed results are not findings', async () => {
    const run = {
      tool: { driver: { name: 'checker' } },
      results: [
        { ruleId: 'a', kind: 'pass', message: { text: 'ok' } },
        { ruleId: 'b', message: { text: 'suppressed' }, suppressions: [{ kind: 'inSource' }] },
        {
          ruleId: 'c',
          message: { text: 'rejected suppression' },
          suppressions: [{ kind: 'external', status: 'rejected' }],
        },
      ],
    };
    const { summary } = await scanAndProcess(database.db, seeded, { commitSha: commit, log: sarifLog(run) });
    expect(summary.runs[0]).toMatchObject({ findings: 1, skipped: { passed: 1, suppressed: 1 } });
  });
});
