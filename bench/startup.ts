/**
 * bench/startup: time from process start to /readyz OK, first run (new data dir: key file, migrations) and
 * second run (existing data), and the resident memory of the idle service. Runs the built service
 * (`npm run build` first).
 *
 *   npx tsx bench/startup.ts [--runs 5]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const root = path.resolve(import.meta.dirname, '..');
const entry = path.join(root, 'dist/cli/main.js');
if (!existsSync(entry)) throw new Error('Build first: npm run build');

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

const rssMb = (pid: number) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? 0) / 1024;
};

async function start(dataDir: string): Promise<{ ms: number; rss: number }> {
  const port = await freePort();
  const began = performance.now();
  const child = spawn(process.execPath, [entry, 'serve'], {
    env: {
      ...process.env,
      SCM_CONNECT_DATA_DIR: dataDir,
      SCM_CONNECT_PORT: String(port),
      SCM_CONNECT_LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  let ms = 0;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) {
      ms = performance.now() - began;
      break;
    }
    if (performance.now() - began > 30_000) throw new Error('did not become ready in 30 s');
    await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => setTimeout(r, 2000));
  const rss = rssMb(child.pid!);
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGTERM');
  await exited;
  return { ms, rss };
}

const first: number[] = [];
const again: number[] = [];
const rss: number[] = [];
for (let i = 0; i < Number(values.runs); i++) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'scm-connect-bench-'));
  const a = await start(dataDir);
  const b = await start(dataDir);
  first.push(a.ms);
  again.push(b.ms);
  rss.push(a.rss, b.rss);
  rmSync(dataDir, { recursive: true, force: true });
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
console.log(`runs: ${values.runs} (SQLite, built service, node ${process.version})`);
console.log(
  `start to /readyz, first run (new key file, migrations): median ${median(first).toFixed(0)} ms, max ${Math.max(...first).toFixed(0)} ms (target <= 1500)`,
);
console.log(
  `start to /readyz, existing data: median ${median(again).toFixed(0)} ms, max ${Math.max(...again).toFixed(0)} ms (target <= 1500)`,
);
console.log(
  `idle RSS after 2 s: median ${median(rss).toFixed(0)} MB, max ${Math.max(...rss).toFixed(0)} MB (target <= 150)`,
);
