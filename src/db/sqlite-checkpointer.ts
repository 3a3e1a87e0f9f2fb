import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL pages (about 100 MB) at which the service's own connection checkpoints after a commit. Under writes without
 * a pause a checkpoint from another connection never finds the whole log copied, so the log is never rewound;
 * the connection's own checkpoint, after the thread has copied nearly everything, rewinds it at little cost.
 */
export const fallbackAutoCheckpointPages = 25_000;

// CommonJS, run with `eval`: no file to resolve in either the built or the source tree.
const checkpointerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.library);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // busy or interrupted: the next round catches up
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

export interface SqliteCheckpointer {
  stop(): Promise<void>;
}

/**
 * Copies the WAL back into the database file from a thread of its own, with its own connection, every
 * `intervalMs`. Checkpoints sync the database file; run by the committing connection they stop the event loop
 * for milliseconds, which under a steady stream of writes (webhook deliveries) was most of their cost and all of
 * their tail latency. PASSIVE checkpoints never block the service's readers or writer.
 */
export function startSqliteCheckpointer(file: string, intervalMs = 100): SqliteCheckpointer {
  const worker = new Worker(checkpointerSource, {
    eval: true,
    workerData: { library: createRequire(import.meta.url).resolve('better-sqlite3'), file, intervalMs },
  });
  worker.unref();
  // A failed thread leaves checkpoints to the connection's own fallback.
  worker.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      // Referenced again, so the process stays up until the thread has closed its connection.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
