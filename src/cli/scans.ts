import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { CliApiError, createCliApi } from './api-client.js';
import { detectCi, withoutCredentials, type ReadFile, type ScanContextInput } from './ci-context.js';

export const scansUsage = `scm-connect scans — upload a scanner's SARIF log from a CI job

Usage:
  scm-connect scans upload FILE [--repository R] [--commit SHA] [--branch B] [--pull-request N]
                                [--base-commit SHA] [--base-branch B] [--wait [--timeout SECONDS]] [--json]

FILE is a SARIF 2.1.0 log (.sarif, or .sarif.gz); it is sent gzip-compressed. What the flags leave out is read
from the CI system's own variables (GitHub Actions, GitLab CI, Bitbucket Pipelines, Azure Pipelines, Jenkins),
then from the log's versionControlProvenance. It prints the scan's URL; with --wait it waits until the scan is
processed (at most --timeout seconds, default 600) and prints what processing found.

Environment: SCM_CONNECT_URL (default http://127.0.0.1:8080), SCM_CONNECT_API_TOKEN (an API token of the
account; a scan-upload token is enough).
`;

interface ScanAnswer {
  id: string;
  status: 'queued' | 'processing' | 'processed' | 'failed';
  repository: { fullName: string };
  commitSha: string;
  branch: string | null;
  pullRequestNumber: number | null;
  resultCount: number;
  summary: unknown;
  error: { code: string; message: string } | null;
  url: string;
}

export interface ScansDeps {
  readonly readFile: ReadFile;
  readonly readLog: (path: string) => Buffer;
  readonly sleep: (ms: number) => Promise<void>;
}

const defaultDeps: ScansDeps = {
  readFile: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  readLog: (path) => readFileSync(path),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** What processing found, one line per entry: `new: 3`, `open: critical 1, high 2`. */
export function formatSummary(summary: unknown): string[] {
  if (typeof summary !== 'object' || summary === null) return [];
  return Object.entries(summary).map(([key, item]) => {
    if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
      const parts = Object.entries(item).map(([name, count]) => `${name} ${String(count)}`);
      return `  ${key}: ${parts.join(', ') || '—'}`;
    }
    return `  ${key}: ${Array.isArray(item) ? item.join(', ') : String(item)}`;
  });
}

const describeScan = (scan: ScanAnswer) =>
  `${scan.repository.fullName} at ${scan.commitSha.slice(0, 12)}` +
  (scan.pullRequestNumber !== null
    ? ` (pull request #${scan.pullRequestNumber})`
    : scan.branch
      ? ` on ${scan.branch}`
      : '');

export async function runScans(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  deps: ScansDeps = defaultDeps,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      repository: { type: 'string' },
      commit: { type: 'string' },
      branch: { type: 'string' },
      'pull-request': { type: 'string' },
      'base-commit': { type: 'string' },
      'base-branch': { type: 'string' },
      wait: { type: 'boolean' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [action, file] = positionals;
  if (values.help || !action) {
    process.stdout.write(scansUsage);
    return action || values.help ? 0 : 2;
  }
  const fail = (message: string, code = 2) => {
    process.stderr.write(`scm-connect scans: ${message}\n`);
    return code;
  };
  if (action !== 'upload') return fail(`unknown action "${action}".\n\n${scansUsage}`);
  if (!file) return fail('upload needs the SARIF file: scm-connect scans upload results.sarif');
  const timeout = values.timeout === undefined ? 600 : Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0) return fail('--timeout must be a number of seconds.');

  const ci = detectCi(env, deps.readFile);
  const flags: ScanContextInput = {
    repository: values.repository,
    commit: values.commit,
    branch: values.branch,
    pullRequest: values['pull-request'],
    baseCommit: values['base-commit'],
    baseBranch: values['base-branch'],
  };
  const context: Record<string, string> = {};
  for (const [key, item] of Object.entries({ ...ci?.context })) if (item) context[key] = item;
  for (const [key, item] of Object.entries(flags)) if (item) context[key] = item;
  if (context.repository) context.repository = withoutCredentials(context.repository);
  if (context.pullRequest !== undefined && !/^[1-9]\d*$/.test(context.pullRequest)) {
    return fail('--pull-request must be the pull / merge request number, a positive integer.');
  }

  let log: Buffer;
  try {
    log = deps.readLog(file);
  } catch (error) {
    return fail(`cannot read ${file}: ${(error as { code?: string }).code ?? 'unreadable'}.`);
  }
  const gzipped = log.length > 2 && log[0] === 0x1f && log[1] === 0x8b;
  const body = gzipped ? log : gzipSync(log);

  const out = (text: string) => process.stdout.write(`${text}\n`);
  try {
    const api = createCliApi({
      url: env.SCM_CONNECT_URL ?? 'http://127.0.0.1:8080',
      token: env.SCM_CONNECT_API_TOKEN,
    });
    const account = await api.accountId();
    const query = new URLSearchParams(context).toString();
    const answer = await api.upload<{ scan: ScanAnswer; duplicate: boolean }>(
      `/accounts/${account}/scans${query ? `?${query}` : ''}`,
      body,
      { 'content-type': 'application/sarif+json', 'content-encoding': 'gzip' },
    );
    let scan = answer.scan;
    if (!values.json) {
      out(
        answer.duplicate
          ? `Already uploaded: scan ${scan.id} of ${describeScan(scan)} (the same tools and categories).`
          : `Uploaded ${scan.resultCount} results as scan ${scan.id} of ${describeScan(scan)}${ci ? ` (context from ${ci.name})` : ''}.`,
      );
      out(`Findings: ${scan.url}`);
    }
    if (values.wait) {
      const deadline = Date.now() + timeout * 1000;
      while (scan.status === 'queued' || scan.status === 'processing') {
        if (Date.now() > deadline) {
          return fail(`the scan is still ${scan.status} after ${timeout} seconds; see ${scan.url}`, 1);
        }
        await deps.sleep(1000);
        scan = await api.call<ScanAnswer>('GET', `/accounts/${account}/scans/${scan.id}`);
      }
    }
    if (values.json) out(JSON.stringify({ scan, duplicate: answer.duplicate }, null, 2));
    else if (values.wait && scan.status === 'processed') {
      out('Processed.');
      for (const line of formatSummary(scan.summary)) out(line);
    }
    if (scan.status === 'failed') {
      return fail(
        `processing failed: ${scan.error?.message ?? 'no reason given'} (${scan.error?.code ?? 'failed'})`,
        1,
      );
    }
    return 0;
  } catch (error) {
    if (error instanceof CliApiError) return fail(`${error.message} (${error.code})`, 1);
    throw error;
  }
}
