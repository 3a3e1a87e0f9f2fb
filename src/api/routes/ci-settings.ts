import { z } from 'zod';
import { badRequest } from '../../core/errors.js';
import { recordAudit } from '../../db/audit.js';
import { ciJobSettingsSchema, type CiJobSettings } from '../../onboarding/ci-settings.js';
import { readCiJobSettings, saveCiJobSettings, type StoredCiJobSettings } from '../../onboarding/settings.js';
import type { ZodApp } from '../app.js';
import { actorOf, requireAccount } from '../auth.js';
import type { AppContext } from '../context.js';
import { accountParams, errors } from '../schemas.js';

export const ciSettingsViewSchema = z.object({
  image: z.string().describe('Container image the scan runs in'),
  scanCommand: z.string().describe('One shell line that scans the checkout and writes SARIF to `sarifPath`'),
  sarifPath: z.string().describe('Where the scan writes its SARIF log, relative to the checkout'),
  uploadImage: z.string().describe('Container image with Node.js 20 or newer that runs the upload'),
  uploadCommand: z.string().describe('One shell line, run with the SARIF path appended, that uploads it'),
  secretName: z.string().describe('The CI secret (or variable) holding the upload’s API token'),
  triggers: z.object({ pullRequests: z.boolean(), defaultBranchPushes: z.boolean(), schedule: z.boolean() }),
  updatedAt: z.string().nullable().describe('When an admin last saved them; null while the defaults apply'),
});

const toView = ({ settings, updatedAt }: StoredCiJobSettings): z.infer<typeof ciSettingsViewSchema> => ({
  ...settings,
  triggers: { ...settings.triggers },
  updatedAt,
});

/**
 * The body checked against the template's schema. `uploadImage` and `uploadCommand` may be left out: they keep
 * their saved values (the defaults until saved), so a client that does not know them changes nothing there.
 */
function checkedSettings(body: Readonly<Record<string, unknown>>, current: CiJobSettings): CiJobSettings {
  const parsed = ciJobSettingsSchema.safeParse({
    uploadImage: current.uploadImage,
    uploadCommand: current.uploadCommand,
    ...body,
  });
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    path: ['body', ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const first = issues[0]!;
  throw badRequest('validation_failed', `${first.path}: ${first.message}`, { issues });
}

/** The account's template of the scanner's CI job: read by every member, changed by admins. */
export function registerCiSettingsRoutes(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/accounts/:accountId/ci-settings',
    {
      schema: {
        tags: ['ci-jobs'],
        summary: 'The CI job template of the account',
        description: 'The defaults until an admin saves other settings (`updatedAt` null).',
        params: accountParams,
        response: { 200: ciSettingsViewSchema, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const { accountId } = request.params;
      await requireAccount(request, ctx, accountId);
      return toView(await readCiJobSettings(ctx.db, accountId));
    },
  );

  app.put(
    '/accounts/:accountId/ci-settings',
    {
      schema: {
        tags: ['ci-jobs'],
        summary: 'Replace the CI job template of the account (admin)',
        params: accountParams,
        description:
          'Every field of the GET answer but `updatedAt`; `uploadImage` and `uploadCommand` may be left out to ' +
          'keep their saved values.',
        body: z
          .record(z.string(), z.unknown())
          .describe('image, scanCommand, sarifPath, uploadImage?, uploadCommand?, secretName, triggers'),
        response: { 200: ciSettingsViewSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { accountId } = request.params;
      await requireAccount(request, ctx, accountId, 'admin');
      const actor = actorOf(request.auth);
      const current = await readCiJobSettings(ctx.db, accountId);
      const settings = checkedSettings(request.body, current.settings);
      const saved = await ctx.db.transaction().execute(async (tx) => {
        const stored = await saveCiJobSettings(tx, accountId, settings, actor);
        await recordAudit(tx, {
          accountId,
          actorUserId: actor,
          action: 'ci-settings.updated',
          details: { ...stored.settings },
        });
        return stored;
      });
      return toView(saved);
    },
  );
}
