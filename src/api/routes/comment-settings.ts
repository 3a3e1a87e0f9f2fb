import { z } from 'zod';
import { recordAudit } from '../../db/audit.js';
import {
  defaultCommentSettings,
  readCommentSettings,
  ruleThresholdRange,
  writeCommentSettings,
} from '../../db/comment-settings.js';
import { severityLevels } from '../../db/repository-status.js';
import type { ZodApp } from '../app.js';
import { actorOf, requireAccount } from '../auth.js';
import type { AppContext } from '../context.js';
import { accountParams, errors } from '../schemas.js';

const { min, max } = ruleThresholdRange;
const thresholdMessage = `must be a whole number from ${min} to ${max}`;
const severityMessage = `must be one of ${severityLevels.join(', ')}`;

const ruleThreshold = z
  .number({ error: thresholdMessage })
  .int(thresholdMessage)
  .min(min, thresholdMessage)
  .max(max, thresholdMessage)
  .describe(
    `A rule firing more times than this in one pull request goes to the summary instead of inline ` +
      `(default ${defaultCommentSettings.ruleThreshold})`,
  );

const blockingSeverities = z
  .array(z.enum(severityLevels, { error: severityMessage }), {
    error: `must be a list of severities (${severityLevels.join(', ')}); an empty list blocks nothing`,
  })
  .max(severityLevels.length * 4, 'must name each severity at most once')
  .describe(
    'Severities whose open findings make the commit status fail; empty: never fails ' +
      `(default ${defaultCommentSettings.blockingSeverities.join(', ')}). Answered most severe first, each once.`,
  );

export const commentSettingsSchema = z.object({
  ruleThreshold: z.number(),
  blockingSeverities: z.array(z.enum(severityLevels)),
});

/** An account's pull request comment settings: read by every member, changed by admins. */
export function registerCommentSettingsRoutes(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/accounts/:accountId/comment-settings',
    {
      schema: {
        tags: ['comments'],
        summary: 'Pull request comment settings of the account',
        description: 'The defaults until an admin saves other settings.',
        params: accountParams,
        response: { 200: commentSettingsSchema, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const { accountId } = request.params;
      await requireAccount(request, ctx, accountId);
      const settings = await readCommentSettings(ctx.db, accountId);
      return { ...settings, blockingSeverities: [...settings.blockingSeverities] };
    },
  );

  app.put(
    '/accounts/:accountId/comment-settings',
    {
      schema: {
        tags: ['comments'],
        summary: 'Replace the pull request comment settings of the account (admin)',
        params: accountParams,
        body: z.strictObject({ ruleThreshold, blockingSeverities }),
        response: { 200: commentSettingsSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { accountId } = request.params;
      await requireAccount(request, ctx, accountId, 'admin');
      const actor = actorOf(request.auth);
      const saved = await ctx.db.transaction().execute(async (tx) => {
        const stored = await writeCommentSettings(tx, accountId, request.body, actor);
        await recordAudit(tx, {
          accountId,
          actorUserId: actor,
          action: 'comment-settings.updated',
          details: { ...stored },
        });
        return stored;
      });
      return { ...saved, blockingSeverities: [...saved.blockingSeverities] };
    },
  );
}
