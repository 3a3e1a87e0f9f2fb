import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ESLint } from 'eslint';

/*
 * The fixture repository (test/fixtures/scan-repo) at each step of the real-scanner test, and the SARIF logs
 * ESLint (with @microsoft/eslint-formatter-sarif and eslint-plugin-security) and secretlint (with its SARIF
 * formatter) write for a checkout of it, exactly as they write them.
 */

/** A repository's files: path (from its root, `/` separators) → content. */
export type RepoFiles = Readonly<Record<string, string>>;

const fixtureRoot = fileURLToPath(new URL('../fixtures/scan-repo/', import.meta.url));
const secretlintBin = fileURLToPath(new URL('../../node_modules/.bin/secretlint', import.meta.url));
const sarifFormatter = createRequire(import.meta.url).resolve('@microsoft/eslint-formatter-sarif');
const run = promisify(execFile);

/**
 * The fake secrets of `config/deploy.ini`, built from parts so that no credential-shaped text is committed: an
 * AWS secret access key (40 characters) and a private key block secretlint takes for a real one (base64 opening
 * with `MI`, an ASN.1 sequence, over 100 characters) that holds nothing but this sentence.
 */
function fakeSecrets(): Record<string, string> {
  const awsSecret = ['ScmConnect', 'Fixture', 'NotAReal', 'AwsSecret', 'Key000'].join('');
  const body = `MIIB${Buffer.from('scm-connect fixture, not a key. '.repeat(5)).toString('base64')}`.replace(
    /=+$/,
    '',
  );
  const label = ['RSA', 'PRIVATE', 'KEY'].join(' ');
  const lines = body.match(/.{1,64}/g)!;
  return {
    '{{FAKE_AWS_SECRET_ACCESS_KEY}}': awsSecret,
    '{{FAKE_PRIVATE_KEY}}': [`-----BEGIN ${label}-----`, ...lines, `-----END ${label}-----`].join('\n'),
  };
}

async function listFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(fixtureRoot, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

/** The fixture repository with its fake secrets filled in. */
export async function fixtureFiles(): Promise<RepoFiles> {
  const secrets = fakeSecrets();
  const files: Record<string, string> = {};
  for (const path of await listFiles(fixtureRoot)) {
    let content = await readFile(join(fixtureRoot, path), 'utf8');
    for (const [placeholder, value] of Object.entries(secrets)) content = content.replace(placeholder, value);
    files[path] = content;
  }
  return files;
}

/** The files every scanner flags something in; the line shift inserts a line at the top of each. */
export const flaggedFiles = ['src/files.js', 'src/lookup.js', 'src/run.js', 'config/deploy.ini'] as const;

/** The line `security/detect-eval-with-expression` flags, which the fix removes and the next step restores. */
const evalLine = '  return eval(code + values.length);\n';

/** The repository at each step: as committed, a line inserted above every finding, the eval fixed, back. */
export interface RepoSteps {
  readonly base: RepoFiles;
  readonly shifted: RepoFiles;
  readonly fixed: RepoFiles;
  readonly reintroduced: RepoFiles;
}

export function repoSteps(base: RepoFiles): RepoSteps {
  const shifted = { ...base };
  for (const path of flaggedFiles) {
    shifted[path] = `${path.endsWith('.ini') ? ';' : '//'} Reviewed for release 2.0.\n${base[path]}`;
  }
  const runJs = shifted['src/run.js'] ?? '';
  if (!runJs.includes(evalLine)) throw new Error('the fixture lost its eval line');
  const fixed = { ...shifted, 'src/run.js': runJs.replace(evalLine, '') };
  return { base, shifted, fixed, reintroduced: { ...shifted } };
}

/** What the scanners wrote for one checkout: the logs as text, and where the checkout was. */
export interface ScannerLogs {
  readonly checkout: string;
  readonly eslint: string;
  readonly secretlint: string;
}

async function writeCheckout(files: RepoFiles): Promise<string> {
  const checkout = await mkdtemp(join(tmpdir(), 'scm-connect-scan-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(checkout, path)), { recursive: true });
    await writeFile(join(checkout, path), content);
  }
  return checkout;
}

/**
 * Checks `files` out into a temporary directory and scans it as a CI job would: ESLint through its Node API with
 * the fixture's flat config and the SARIF formatter, secretlint through its CLI with the SARIF formatter. The
 * checkout is removed afterwards (its path stays in the ESLint log, as it does in CI).
 */
export async function runScanners(files: RepoFiles): Promise<ScannerLogs> {
  const checkout = await writeCheckout(files);
  try {
    const eslint = new ESLint({ cwd: checkout, overrideConfigFile: join(fixtureRoot, 'eslint.config.js') });
    const results = await eslint.lintFiles(['.']);
    const formatter = await eslint.loadFormatter(sarifFormatter);
    const eslintLog = await formatter.format(results);
    const output = join(checkout, '..', `${checkout.split(/[\\/]/).pop()}.secretlint.sarif`);
    await run(
      process.execPath,
      [secretlintBin, '**/*', '--format', '@secretlint/secretlint-formatter-sarif', '--output', output],
      { cwd: checkout },
    );
    const secretlintLog = await readFile(output, 'utf8');
    await rm(output, { force: true });
    return { checkout, eslint: eslintLog, secretlint: secretlintLog };
  } finally {
    await rm(checkout, { recursive: true, force: true });
  }
}
