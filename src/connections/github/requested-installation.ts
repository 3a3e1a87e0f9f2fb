import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import type { Db } from '../../db/database.js';
import { installRequestOf, type AppKey } from '../../db/github-installations.js';
import { integerId } from '../../scm/github/app-credentials.js';
import type { SecretBox } from '../../secrets/index.js';
import { linkInstallation } from './link-installation.js';

const user = z.object({ id: z.unknown(), login: z.string().min(1) });
const createdEvent = z.object({
  action: z.literal('created'),
  installation: z.object({
    id: z.unknown(),
    account: z.object({ id: z.unknown(), login: z.string().min(1), type: z.enum(['Organization', 'User']) }),
    repository_selection: z.enum(['all', 'selected']),
    suspended_at: z.string().nullish(),
  }),
  requester: user.nullish(),
  sender: user,
});

/**
 * An `installation.created` delivery of an installation no account has linked: when a member of an account
 * asked an owner to install the app (`setup_action=request`) and the delivery names that member as its
 * requester, the installation the owner approved is linked to the member's account. Any other installation is
 * linked by no one: an owner finishes Connect to GitHub for it. Answers the connection made, if any.
 */
export async function linkRequestedInstallation(
  db: Db,
  secrets: SecretBox,
  app: AppKey,
  body: string,
  now: Date,
): Promise<string | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const event = createdEvent.safeParse(parsed);
  if (!event.success || !event.data.requester) return undefined;
  const { installation, requester, sender } = event.data;
  const installationId = integerId(installation.id);
  const requesterId = integerId(requester.id);
  const accountId = integerId(installation.account.id);
  const senderId = integerId(sender.id);
  if (!installationId || !requesterId || !accountId || !senderId) return undefined;
  const request = await installRequestOf(db, app, requesterId, now.toISOString());
  if (!request) return undefined;
  try {
    const linked = await linkInstallation(db, secrets, {
      accountId: request.account_id,
      userId: request.user_id,
      setupAction: 'install',
      now,
      installation: {
        app,
        installationId,
        account: { id: accountId, login: installation.account.login, type: installation.account.type },
        repositorySelection: installation.repository_selection,
        suspendedAt: installation.suspended_at ?? null,
        // The owner who approved the request installed the app: theirs is the admin act.
        gitHubUser: { id: senderId, login: sender.login },
      },
    });
    return linked.connectionId;
  } catch (error) {
    // Linked elsewhere meanwhile, or the organization is connected already: nothing to link.
    if (error instanceof AppError && error.status === 409) return undefined;
    throw error;
  }
}
