import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../../..');
const script = path.join(root, 'test/jobs/processes/worker-process.ts');

/** A fixed master key, so every process of a test reads the same secrets. */
export const testMasterKey = Buffer.alloc(32, 7).toString('base64');

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves once the worker logged that it runs. */
  readonly ready: Promise<void>;
  /** Resolves with the exit code (or the signal that ended it). */
  readonly exited: Promise<number | NodeJS.Signals>;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
}

/** The environment a test worker gets: the service's variables without the developer's own. */
const cleanEnv = (): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('SCM_CONNECT_') && key !== 'DATABASE_URL') env[key] = value;
  }
  return env;
};

/** Starts `script` (default: the test worker) with tsx; `env` adds to a clean environment. */
export function spawnWorker(env: Record<string, string>, entry: readonly string[] = [script]): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', ...entry], {
    cwd: root,
    env: { ...cleanEnv(), SCM_CONNECT_MASTER_KEY: testMasterKey, SCM_CONNECT_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    child.once('exit', (code, signal) =>
      reject(new Error(`worker exited (${signal ?? code}) before it was ready:\n${output}`)),
    );
  });
  ready.catch(() => undefined);
  const onData = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.includes('scm-connect worker is running')) markReady();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | NodeJS.Signals>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code ?? 0)),
  );
  return { child, pid: child.pid!, ready, exited, output: () => output };
}
