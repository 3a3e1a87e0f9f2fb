import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectError } from '../connections/connections-api.js';
import { commitA, result, sarif } from './sarif-fixtures.js';
import { countIntakeRows, upload, useScansWorld } from './scans-world.js';

const world = useScansWorld({ kits: false });
const query = { repository: 'acme/Payments', commit: commitA };

let before: { scans: number; scanRuns: number; jobs: number };
beforeEach(async () => {
  before = await countIntakeRows(world.db, world.accountId);
});
afterEach(async () => {
  // Whatever was refused left nothing behind.
  expect(await countIntakeRows(world.db, world.accountId)).toEqual(before);
});

const send = (log: unknown, options: Parameters<typeof upload>[3] = {}) =>
  upload(world.admin, world.accountId, log, { query, ...options });

const withResults = (results: unknown[], extra: Record<string, unknown> = {}) => {
  const log = sarif();
  return { ...log, runs: [{ ...log.runs[0]!, results, ...extra }] };
};

describe('POST …/scans: the limits of GitHub code scanning, each named with its JSON path', () => {
  it.each<[string, () => unknown, string, RegExp]>([
    [
      '21 runs',
      () => sarif(...Array.from({ length: 21 }, (_, i) => ({ tool: `t${i}`, results: 0 }))),
      'runs',
      /^runs\[20\]: more than 20 runs in one log \(21\)/,
    ],
    [
      '25,001 results in a run',
      () =>
        withResults(
          Array.from({ length: 25_001 }, (_, i) => ({ ruleId: 'r', message: { text: String(i) } })),
        ),
      'resultsPerRun',
      /^runs\[0\]\.results\[25000\]: more than 25,000 results in one run \(25,001\)/,
    ],
    [
      '25,001 rules in a run',
      () => {
        const log = sarif();
        const rules = Array.from({ length: 25_001 }, (_, i) => ({ id: `r${i}` }));
        return { ...log, runs: [{ ...log.runs[0]!, tool: { driver: { name: 'x', rules } } }] };
      },
      'rulesPerRun',
      /^runs\[0\]\.tool\.driver\.rules\[25000\]: more than 25,000 rules in one run/,
    ],
    [
      '1,001 locations in a result',
      () =>
        withResults([
          result(0),
          { ...result(1), locations: Array.from({ length: 1_001 }, () => result(1).locations[0]) },
        ]),
      'locationsPerResult',
      /^runs\[0\]\.results\[1\]\.locations\[1000\]: more than 1,000 locations in one result \(1,001\)/,
    ],
    [
      '10,001 thread-flow locations in a result',
      () =>
        withResults([
          {
            ...result(0),
            codeFlows: [
              { threadFlows: [{ locations: Array.from({ length: 6_000 }, () => ({})) }] },
              { threadFlows: [{ locations: Array.from({ length: 4_001 }, () => ({})) }] },
            ],
          },
        ]),
      'threadFlowLocationsPerResult',
      /^runs\[0\]\.results\[0\]\.codeFlows\[1\]\.threadFlows\[0\]\.locations\[4000\]: more than 10,000 thread-flow locations in one result \(10,001\)/,
    ],
  ])('%s: 422 sarif_limit_exceeded', async (_what, log, limit, message) => {
    const body = expectError(await send(log()), 422, 'sarif_limit_exceeded');
    expect(body.message).toMatch(message);
    expect((body as { details?: { limit?: string } }).details?.limit).toBe(limit);
  });

  it('takes exactly the limits', async () => {
    before = { ...before, scans: before.scans + 1, scanRuns: before.scanRuns + 20, jobs: before.jobs + 1 };
    const log = sarif(...Array.from({ length: 20 }, (_, i) => ({ tool: `edge${i}`, results: 1 })));
    log.runs[0] = {
      ...log.runs[0]!,
      results: [{ ...result(0), locations: Array.from({ length: 1_000 }, () => result(0).locations[0]!) }],
    };
    const answer = await send(log);
    expect(answer.status, answer.text).toBe(202);
  });

  it('refuses a gzip body over 10 MB with 413 before reading it', async () => {
    const body = expectError(
      await send(null, { body: randomBytes(10 * 1024 * 1024 + 1), headers: { 'content-encoding': 'gzip' } }),
      413,
      'log_too_large',
    );
    expect(body.message).toContain('10 MB');
  });

  it('refuses a decompression bomb with 413 (more than 100 MB once decompressed)', async () => {
    const bomb = gzipSync(Buffer.alloc(101 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const body = expectError(
      await send(null, { body: bomb, headers: { 'content-encoding': 'gzip' } }),
      413,
      'log_too_large',
    );
    expect(body.message).toContain('decompresses to more than');
  });

  it('refuses an uncompressed log that is over 10 MB even once compressed', async () => {
    const noise = randomBytes(11 * 1024 * 1024).toString('base64');
    const log = withResults([result(0)], { properties: { noise } });
    const body = expectError(await send(log), 413, 'log_too_large');
    expect(body.message).toContain('even gzip-compressed');
  });
});

describe('POST …/scans: malformed logs, answered with the JSON path of the first problem', () => {
  const badRegion = () => {
    const results = Array.from({ length: 20 }, (_, i) => result(i));
    results[12]!.locations[0]!.physicalLocation.region.startLine = 0;
    results[15]!.locations[0]!.physicalLocation.region.startLine = -4;
    return withResults(results);
  };

  it.each<[string, () => unknown, string]>([
    [
      'a line number of 0',
      badRegion,
      'runs[0].results[12].locations[0].physicalLocation.region.startLine: must be a positive integer',
    ],
    ['SARIF 2.0', () => ({ ...sarif(), version: '2.0.0' }), 'version: must be "2.1.0"'],
    ['no version', () => ({ runs: sarif().runs }), 'version: is required ("2.1.0")'],
    ['no runs', () => ({ version: '2.1.0', runs: [] }), 'runs: must hold at least one run'],
    [
      'a run without a tool',
      () => ({ version: '2.1.0', runs: [{ results: [] }] }),
      'runs[0].tool: is required (an object)',
    ],
    [
      'a tool without a name',
      () => ({ version: '2.1.0', runs: [{ tool: { driver: {} } }] }),
      'runs[0].tool.driver.name: is required (a string)',
    ],
    [
      'a result without a message',
      () => withResults([result(0), { ruleId: 'r' }]),
      'runs[0].results[1].message: is required (an object)',
    ],
    [
      'a result without its rule',
      () => withResults([{ message: { text: 'x' } }]),
      'runs[0].results[0].ruleId: is required (a string naming the rule)',
    ],
    [
      'a rule index out of range',
      () => withResults([{ ruleIndex: 3, message: { text: 'x' } }]),
      'runs[0].results[0].ruleIndex: must name one of the 3 rules of tool.driver.rules (0 to 2)',
    ],
    [
      'an unknown level',
      () => withResults([{ ...result(0), level: 'critical' }]),
      'runs[0].results[0].level: must be one of none, note, warning, error',
    ],
    [
      'a fingerprint that is not a string',
      () => withResults([{ ...result(0), partialFingerprints: { primaryLocationLineHash: 7 } }]),
      'runs[0].results[0].partialFingerprints.primaryLocationLineHash: must be a string',
    ],
    [
      'an end before its start',
      () => {
        const bad = result(0);
        bad.locations[0]!.physicalLocation.region = {
          startLine: 9,
          startColumn: 1,
          endLine: 3,
          endColumn: 1,
        };
        return withResults([bad]);
      },
      'runs[0].results[0].locations[0].physicalLocation.region.endLine: must not be before startLine (9)',
    ],
    ['a log that is an array', () => [sarif()], '(the log): must be an object'],
  ])('%s: 422 invalid_sarif', async (_what, log, message) => {
    const body = expectError(await send(log()), 422, 'invalid_sarif');
    expect(body.message.startsWith(message), body.message).toBe(true);
  });

  it('keeps fields it does not know (a scanner may add any)', async () => {
    before = { ...before, scans: before.scans + 1, scanRuns: before.scanRuns + 1, jobs: before.jobs + 1 };
    const log = { ...sarif(), inlineExternalProperties: [{ x: 1 }] };
    log.runs[0] = {
      ...log.runs[0]!,
      results: [{ ...result(0), rank: 93.5, 'vendor-data': { deep: [1, 2] } }],
    } as never;
    expect((await send(log, { query: { ...query, commit: 'e'.repeat(40) } })).status).toBe(202);
  });
});

describe('POST …/scans: bytes that are not a SARIF log', () => {
  it.each<[string, Parameters<typeof upload>[3], number, string, string]>([
    [
      'not JSON',
      { body: '{"version": "2.1.0", "runs": [' },
      400,
      'invalid_sarif',
      'not valid JSON at line 1, column 31',
    ],
    [
      'JSON with a syntax error on line 3',
      { body: '{\n "version": "2.1.0",\n "runs": [}\n}' },
      400,
      'invalid_sarif',
      'at line 3, column 11',
    ],
    [
      'an escaped NUL',
      { body: JSON.stringify(withResults([{ ...result(0), message: { text: 'a\u0000b' } }])) },
      400,
      'invalid_sarif',
      'runs[0].results[0].message.text: must not contain NUL',
    ],
    [
      'a lone surrogate',
      { body: JSON.stringify(sarif()).replace('Problem 1.', 'Problem \\ud800') },
      400,
      'invalid_sarif',
      'runs[0].results[1].message.text: must not contain NUL',
    ],
    [
      'a NUL byte',
      { body: Buffer.concat([Buffer.from(JSON.stringify(sarif())), Buffer.from([0])]) },
      400,
      'invalid_sarif',
      'NUL byte',
    ],
    [
      'invalid UTF-8',
      {
        body: Buffer.concat([
          Buffer.from('{"version":"2.1.0","runs":[{"x":"'),
          Buffer.from([0xc3, 0x28]),
          Buffer.from('"}]}'),
        ]),
      },
      400,
      'invalid_sarif',
      'not valid UTF-8',
    ],
    [
      'a __proto__ key',
      { body: JSON.stringify(sarif()).replace('"$schema"', '"__proto__"') },
      400,
      'invalid_sarif',
      '"__proto__"',
    ],
    ['an empty body', { body: '' }, 400, 'invalid_sarif', 'empty'],
    [
      'gzip that is cut short',
      { body: gzipSync(JSON.stringify(sarif())).subarray(0, 30), headers: { 'content-encoding': 'gzip' } },
      400,
      'invalid_gzip',
      'gzip',
    ],
    [
      'plain text',
      { headers: { 'content-type': 'text/plain' } },
      415,
      'unsupported_media_type',
      'application/sarif+json',
    ],
    [
      'no content type',
      { headers: { 'content-type': '' } },
      415,
      'unsupported_media_type',
      'application/sarif+json',
    ],
    [
      'a Latin-1 charset',
      { headers: { 'content-type': 'application/json; charset=latin1' } },
      415,
      'unsupported_media_type',
      'UTF-8',
    ],
    ['brotli', { headers: { 'content-encoding': 'br' } }, 415, 'unsupported_encoding', 'gzip'],
  ])('%s', async (_what, options, status, code, words) => {
    const body = expectError(await send(sarif(), options), status, code);
    expect(body.message).toContain(words);
  });

  it('refuses deep nesting without harm, and answers the next request', async () => {
    const depth = 200_000;
    const deep = `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"properties":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}]}`;
    const body = expectError(await send(null, { body: deep }), 400, 'invalid_sarif');
    expect(body.message).toContain('more than 100 levels deep (at line 1, column');
    expect((await world.admin.get('/api/v1/session')).status).toBe(200);
  });

  it('accepts a UTF-8 byte order mark (Windows tools write one)', async () => {
    before = { ...before, scans: before.scans + 1, scanRuns: before.scanRuns + 1, jobs: before.jobs + 1 };
    const answer = await send(null, {
      body: `\ufeff${JSON.stringify(sarif({ tool: 'bom' }))}`,
      query: { ...query, commit: 'b'.repeat(40) },
    });
    expect(answer.status, answer.text).toBe(202);
  });
});

describe('POST …/scans: the query string', () => {
  it.each<[Record<string, string>, string]>([
    [{ ...query, commit: 'abc1234' }, 'querystring.commit: must be a full commit sha'],
    [{ ...query, commit: 'z'.repeat(40) }, 'querystring.commit: must be a full commit sha'],
    [{ ...query, pullRequest: '0' }, 'querystring.pullRequest: must be a positive integer'],
    [{ ...query, pullRequest: 'twelve' }, 'querystring.pullRequest: must be a positive integer'],
    [{ ...query, branch: 'a\u0001b' }, 'querystring.branch'],
    [{ ...query, sha: commitA }, 'querystring'],
    [{ ...query, repository: 'acme/\u0000x' }, 'query.repository'],
  ])('%j: 400', async (params, words) => {
    const body = expectError(await send(sarif(), { query: params }), 400, 'validation_failed');
    expect(body.message).toContain(words);
  });
});
