import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { Config } from '../../config/config.js';
import { unprocessable } from '../../core/errors.js';
import type { Db } from '../../db/database.js';
import { formatJsonPath } from './json-path.js';
import { findLimitBreach, maxCompressedLogBytes } from './limits.js';
import { logTooLarge, readLog, type UploadedLog } from './read-log.js';
import { resolveRepository } from './resolve-repository.js';
import { scanContextOf, type ContextQuery } from './scan-context.js';
import { dedupeKeyOf, runSummaries } from './scan-runs.js';
import { sarifLogSchema, type SarifLog } from './sarif-schema.js';
import { storeScan } from './store-scan.js';

const gzip = promisify(gzipCallback);

export interface UploadInput {
  readonly accountId: string;
  readonly upload: UploadedLog;
  readonly query: ContextQuery;
  readonly uploadedBy: { readonly userId: string | null; readonly tokenId: string | null };
}

/** The log's shape, or 422 `invalid_sarif` at the JSON path of its first problem. */
export function checkSarif(log: unknown): SarifLog {
  const breach = findLimitBreach(log);
  if (breach) {
    throw unprocessable('sarif_limit_exceeded', breach.message, {
      limit: breach.limit,
      maximum: breach.maximum,
      actual: breach.actual,
      path: breach.path,
    });
  }
  const parsed = sarifLogSchema.safeParse(log);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0]!;
  const path = formatJsonPath(first.path);
  throw unprocessable('invalid_sarif', `${path}: ${first.message}`, {
    path,
    problems: parsed.error.issues.length,
  });
}

/**
 * Takes an uploaded SARIF log: read and checked whole (limits, shape, context, repository) before anything is
 * written, then stored with its runs and its processing job in one transaction. No result is looked at one by
 * one against the database here: processing does that as a job.
 */
export async function uploadScan(
  deps: { readonly db: Db; readonly config: Pick<Config, 'cloudUrls'> },
  input: UploadInput,
): Promise<{ scanId: string; duplicate: boolean }> {
  const read = await readLog(input.upload);
  const log = checkSarif(read.log);
  const context = scanContextOf(input.query, log);
  const repository = await resolveRepository(deps.db, deps.config, input.accountId, context.repository);
  const runs = runSummaries(log);
  const compressed = read.gzipped ?? (await gzip(read.bytes));
  if (compressed.length > maxCompressedLogBytes) {
    throw logTooLarge(`The log is ${compressed.length.toLocaleString('en-US')} bytes even gzip-compressed`);
  }
  return storeScan(deps.db, {
    accountId: input.accountId,
    repository,
    context,
    runs,
    dedupeKey: dedupeKeyOf(repository.id, context.commitSha, runs),
    logGzipBase64: compressed.toString('base64'),
    logBytes: read.bytes.length,
    uploadedBy: input.uploadedBy,
  });
}
