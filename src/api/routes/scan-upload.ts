import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { findScan } from '../../db/scans.js';
import { branchName, commitSha } from '../../findings/intake/context-fields.js';
import { maxCompressedLogBytes, maxLogBytes } from '../../findings/intake/limits.js';
import { logTooLarge } from '../../findings/intake/read-log.js';
import { uploadScan } from '../../findings/intake/upload-scan.js';
import { requireUploader } from '../auth.js';
import type { AppContext } from '../context.js';
import { scanViewSchema, toScanView } from '../scan-view.js';
import { accountParams, errors } from '../schemas.js';
import { publicOrigin } from '../session-view.js';

const sarifTypes = ['application/sarif+json', 'application/json'];

const unsupportedType = () =>
  new AppError(
    415,
    'unsupported_media_type',
    'Send the SARIF log as the body with Content-Type: application/sarif+json (or application/json), encoded as UTF-8, optionally gzip-compressed with Content-Encoding: gzip.',
  );

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const uploadQuery = z.strictObject({
  repository: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(2000, 'must be at most 2000 characters')
    .optional()
    .describe(
      'Full name (`acme/web-shop`), web or clone URL (https, ssh), or scm-connect id of the repository',
    ),
  commit: commitSha.optional().describe('The scanned commit: a full sha'),
  branch: branchName.optional().describe('The scanned branch (`refs/heads/` is dropped)'),
  pullRequest: z.coerce
    .number('must be a positive integer')
    .int('must be a positive integer')
    .min(1, 'must be a positive integer')
    .max(2_147_483_647, 'must be at most 2147483647')
    .optional()
    .describe('For a pull / merge request scan: its number'),
  baseCommit: commitSha.optional().describe('For a pull request: the base commit'),
  baseBranch: branchName.optional().describe('For a pull request: the branch it merges into'),
});

/**
 * `POST /accounts/{id}/scans` in a scope of its own: the body is the raw log (SARIF or JSON, gzip or not),
 * kept as bytes beside the request up to {@link maxLogBytes}, and refused before it is read when the caller may
 * not upload or the content type is wrong.
 */
export async function registerScanUploadRoute(scope: FastifyInstance, ctx: AppContext): Promise<void> {
  const bodies = new WeakMap<FastifyRequest, Buffer>();
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser(
    sarifTypes,
    { parseAs: 'buffer', bodyLimit: maxLogBytes },
    (request, body, done) => {
      const charset = /charset=([^;\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
      if (charset && charset !== 'utf-8' && charset !== 'utf8') {
        done(unsupportedType(), undefined);
        return;
      }
      bodies.set(request, body as Buffer);
      done(null, null);
    },
  );
  scope.setErrorHandler((error: FastifyError) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') throw logTooLarge('The request body is too large');
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') throw unsupportedType();
    // Everything else is answered by the application's error handler.
    throw error;
  });

  scope.withTypeProvider<ZodTypeProvider>().post(
    '/accounts/:accountId/scans',
    {
      bodyLimit: maxLogBytes,
      config: { scanUpload: true },
      schema: {
        tags: ['scans'],
        summary:
          'Upload a SARIF 2.1.0 log from a CI job; processed as a job (member, admin or scan-upload token)',
        description:
          'The body is the log itself (`application/sarif+json` or `application/json`, UTF-8), optionally ' +
          '`Content-Encoding: gzip`: at most 10 MB compressed, 20 runs, 25,000 results and 25,000 rules per run, ' +
          '1,000 locations and 10,000 thread-flow locations per result. Context the query leaves out is read ' +
          "from the log's `runs[].versionControlProvenance`. 202 with the new scan; 200 with the first scan " +
          'when the same repository, commit, tools and categories were uploaded before.',
        params: accountParams,
        querystring: uploadQuery,
        response: {
          200: z.object({ scan: scanViewSchema, duplicate: z.literal(true) }),
          202: z.object({ scan: scanViewSchema, duplicate: z.literal(false) }),
          ...errors(400, 401, 403, 404, 413, 415, 422),
        },
      },
      // Before the body is read: a caller who may not upload here costs nothing, nor does an oversized gzip.
      onRequest: async (request) => {
        const { accountId } = request.params as { accountId?: string };
        if (accountId !== undefined && uuid.test(accountId)) await requireUploader(request, ctx, accountId);
        const length = Number(request.headers['content-length']);
        const encoding = (request.headers['content-encoding'] ?? '').trim().toLowerCase();
        if ((encoding === 'gzip' || encoding === 'x-gzip') && length > maxCompressedLogBytes) {
          throw logTooLarge(`The compressed log is ${length.toLocaleString('en-US')} bytes`);
        }
      },
    },
    async (request, reply) => {
      const { accountId } = request.params;
      const auth = request.auth!;
      const outcome = await uploadScan(ctx, {
        accountId,
        upload: {
          body: bodies.get(request) ?? Buffer.alloc(0),
          contentEncoding: request.headers['content-encoding'],
        },
        query: request.query,
        uploadedBy:
          auth.kind === 'session'
            ? { userId: auth.userId, tokenId: null }
            : { userId: null, tokenId: auth.tokenId },
      });
      const scan = await findScan(ctx.db, accountId, outcome.scanId);
      if (!scan) throw new Error('the stored scan could not be read back');
      const view = toScanView(scan, publicOrigin(ctx, request));
      return outcome.duplicate
        ? reply.status(200).send({ scan: view, duplicate: true })
        : reply.status(202).send({ scan: view, duplicate: false });
    },
  );
}
