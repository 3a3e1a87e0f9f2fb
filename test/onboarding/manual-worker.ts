import pino from 'pino';
import { createGitHubApps } from '../../src/github-apps/registry.js';
import { createWorker, type Worker } from '../../src/jobs/worker.js';
import { bulkCiJobKind, createBulkCiHandler } from '../../src/onboarding/bulk-job.js';
import { createScmHttpShared } from '../../src/scm/http/index.js';
import { createLiveSecretBox } from '../../src/secrets/live-secret-box.js';
import type { TestService } from '../helpers/service.js';

/**
 * A worker of the `ci.bulk` job alone over a service started with `SCM_CONNECT_WORKER=false`, made of the same
 * parts as the service's own: the test decides when jobs run (`runUntilIdle`).
 */
export function bulkCiWorker(service: TestService): Worker & { close(): Promise<void> } {
  const { db, engine } = service.database;
  const secrets = createLiveSecretBox({ envValue: undefined, dataDir: service.dataDir });
  const scmShared = createScmHttpShared();
  const githubApps = createGitHubApps({ config: service.config, db, secrets, scmShared });
  const worker = createWorker({
    db,
    engine,
    handlers: {
      [bulkCiJobKind]: createBulkCiHandler({ db, config: service.config, secrets, scmShared, githubApps }),
    },
    logger: pino({ level: 'silent' }),
    runSchedules: false,
  });
  return Object.assign(worker, { close: () => githubApps.close() });
}
