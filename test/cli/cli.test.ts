import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'scm-connect-cli-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const baseEnv = () => {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('SCM_CONNECT_') && key !== 'DATABASE_URL') env[key] = value;
  }
  return env;
};

function cli(args: string[], env: Record<string, string> = {}, input?: string) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: root,
    env: { ...baseEnv(), SCM_CONNECT_DATA_DIR: tempDir(), ...env },
    encoding: 'utf8',
    input,
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

describe('scm-connect command line', () => {
  it('prints help', () => {
    const result = cli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('keys rotate');
    expect(result.stdout).toContain('admin create');
  });

  it.each([
    [{ SCM_CONNECT_PORT: 'eighty' }, 'SCM_CONNECT_PORT'],
    [{ SCM_CONNECT_PORT: '70000' }, 'SCM_CONNECT_PORT'],
    [{ SCM_CONNECT_PUBLIC_URL: 'ftp://example.com' }, 'SCM_CONNECT_PUBLIC_URL'],
    [{ DATABASE_URL: 'mysql://localhost/db' }, 'DATABASE_URL'],
    [{ SCM_CONNECT_ALLOWED_HOSTS: '10.0.0.0/33' }, 'SCM_CONNECT_ALLOWED_HOSTS'],
    [{ SCM_CONNECT_ALLOWED_HOSTS: 'garbage$^' }, 'SCM_CONNECT_ALLOWED_HOSTS'],
    [{ SCM_CONNECT_LOG_LEVEL: 'loud' }, 'SCM_CONNECT_LOG_LEVEL'],
  ])('refuses to start with invalid configuration %j (S23)', (env, name) => {
    const result = cli(['migrate'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(name);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    ['short', Buffer.alloc(16, 1).toString('base64')],
    ['malformed', 'this is not a key at all!'],
    ['31 bytes', Buffer.alloc(31, 7).toString('hex')],
  ])('refuses to start with a %s master key, without echoing it (K8)', (_what, key) => {
    const result = cli(['serve'], { SCM_CONNECT_MASTER_KEY: key, SCM_CONNECT_PORT: '0' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/key/i);
    expect(result.stderr).not.toContain(key);
  });

  it('refuses a key file others can read (K8)', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'master.key'), `${Buffer.alloc(32, 3).toString('base64')}\n`);
    chmodSync(path.join(dir, 'master.key'), 0o644);
    const result = cli(['serve'], { SCM_CONNECT_DATA_DIR: dir, SCM_CONNECT_PORT: '0' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/permission|0600|mode/i);
  });

  it('creates an admin from the command line', () => {
    const dir = tempDir();
    const created = cli(
      ['admin', 'create', '--email', 'Ops@Example.com', '--name', 'Ops'],
      { SCM_CONNECT_DATA_DIR: dir },
      'a strong password here',
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Created admin ops@example.com');
    expect(created.stdout).toContain('an instance admin');
    expect(created.stdout).not.toContain('a strong password here');
    // The instance has its instance admin now: a second admin is an account admin only.
    const second = cli(
      ['admin', 'create', '--email', 'second@example.com', '--name', 'Second'],
      { SCM_CONNECT_DATA_DIR: dir },
      'another strong password',
    );
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Created admin second@example.com');
    expect(second.stdout).not.toContain('instance admin');
    const missing = cli(['admin', 'create', '--name', 'No Email'], { SCM_CONNECT_DATA_DIR: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--email');
  });

  it('serves, prints the set-up link once, and shuts down cleanly on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
      cwd: root,
      env: {
        ...baseEnv(),
        SCM_CONNECT_DATA_DIR: tempDir(),
        SCM_CONNECT_PORT: String(port),
        SCM_CONNECT_LOG_LEVEL: 'warn',
      },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 30_000;
    let ready = false;
    while (!ready && Date.now() < deadline) {
      ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (!ready) await new Promise((r) => setTimeout(r, 100));
    }
    expect(ready).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(stdout).toMatch(new RegExp(`http://127\\.0\\.0\\.1:${port}/setup\\?token=[\\w-]{43}`));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
