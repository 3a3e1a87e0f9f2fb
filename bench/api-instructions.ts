/**
 * bench/api-instructions: CPU instructions per request of the same two routes as bench/api, counted by valgrind's
 * callgrind. Requests per second swing by a third between runs on a shared machine; instruction counts do not,
 * so this tells whether a change to the request path made it cheaper. It counts user-space instructions of the
 * server process only (not the kernel's share of socket writes and file locks), so its ratio is lower than
 * bench/api's. Needs valgrind (Debian package `valgrind`); about two minutes.
 *
 *   npx tsx bench/api-instructions.ts [--requests 1000] [--warm-up 6000]
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { startMembersFixture } from './members-fixture.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '1000' },
    'warm-up': { type: 'string', default: '6000' },
    inner: { type: 'boolean', default: false },
  },
});
const requests = Number(values.requests);

if (values.inner) await measureUnderCallgrind();
else await runUnderCallgrind();

/** Re-runs this script under callgrind with counting off, then reads the two dumps the inner run asks for. */
async function runUnderCallgrind(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'scm-connect-callgrind-'));
  try {
    const script = fileURLToPath(import.meta.url);
    await promisify(execFile)(
      'valgrind',
      [
        '--tool=callgrind',
        '--instr-atstart=no',
        '--smc-check=all-non-file',
        `--callgrind-out-file=${path.join(dir, 'out.%p')}`,
        process.execPath,
        '--import',
        'tsx',
        script,
        '--inner',
        '--requests',
        values.requests!,
        '--warm-up',
        values['warm-up']!,
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const counts = new Map<string, number>();
    for (const file of readdirSync(dir)) {
      const text = readFileSync(path.join(dir, file), 'utf8');
      const name = /^desc: Trigger: dump (\w+)$/m.exec(text)?.[1];
      const total = /^totals: (\d+)$/m.exec(text)?.[1];
      if (name && total) counts.set(name, Number(total) / requests);
    }
    const bare = counts.get('bare');
    const members = counts.get('members');
    if (!bare || !members) throw new Error('callgrind wrote no counts');
    const k = (n: number) => `${(n / 1000).toFixed(0)}k`;
    console.log(
      `${requests} requests each, after ${values['warm-up']} to warm up; instructions per request:`,
    );
    console.log(`bare Fastify constant route: ${k(bare)}`);
    console.log(`GET /api/v1/accounts/{id}/members (session cookie, 20 members): ${k(members)}`);
    console.log(`ratio: ${(bare / members).toFixed(2)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measureUnderCallgrind(): Promise<void> {
  // No job polling during the counted requests.
  const fixture = await startMembersFixture({ workerPollMs: 3_600_000 });
  const control = (...args: string[]) =>
    execFileSync('callgrind_control', [...args, String(process.pid)], { stdio: 'ignore' });
  const load = async (url: string, headers: Record<string, string>, amount: number) => {
    const args = ['-j', '-a', String(amount), '-c', '20', '-t', '60'];
    for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}=${value}`);
    const { stdout } = await promisify(execFile)('node_modules/.bin/autocannon', [...args, url], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    const result = JSON.parse(stdout) as { non2xx: number; errors: number };
    if (result.non2xx || result.errors)
      throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  };
  const warmUp = Number(values['warm-up']);
  await load(fixture.bareUrl, {}, warmUp);
  await load(fixture.membersUrl, fixture.cookie, warmUp);
  for (const [name, url, headers] of [
    ['bare', fixture.bareUrl, {}],
    ['members', fixture.membersUrl, fixture.cookie],
  ] as const) {
    control('--zero');
    control('--instr=on');
    await load(url, headers, requests);
    control('--instr=off');
    control(`--dump=${name}`);
  }
  await fixture.close();
}
