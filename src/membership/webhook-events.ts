import { findMembershipSource } from '../db/membership-sources.js';
import type { MembershipEvent } from '../scm/webhook-receiver.js';
import type { WebhookEventContext, WebhookEventHandlers } from '../webhooks/process-job.js';
import { checkOneMember } from './reconcile.js';
import type { SourceContext } from './source.js';

/**
 * What membership webhooks do (GitHub `organization` member_added / member_removed, GitLab `Member Hook`
 * user_add_to_group / user_remove_from_group / user_update_for_group): the person the event names is checked live
 * against the account's membership source at once, and admitted or revoked. The event itself is not trusted as to
 * what changed: deliveries arrive late and out of order, and an invitation is not a membership. Events of another
 * connection, or (GitHub) of another organization of the connection, change nothing.
 */
export function createMembershipEventHandlers(ctx: SourceContext): WebhookEventHandlers {
  const check = async (event: MembershipEvent, context: WebhookEventContext) => {
    if (context.connectionId === null) return;
    const source = await findMembershipSource(ctx.db, context.accountId);
    if (source?.connectionId !== context.connectionId) return;
    // A GitLab group hook also reports subgroups' members; the live check of the top-level group decides.
    const otherOrganization =
      source.provider === 'github' &&
      event.organization.externalId !== undefined &&
      event.organization.externalId !== source.organizationExternalId;
    if (otherOrganization) return;
    const result = await checkOneMember(ctx, source, event.member, 'webhook');
    context.logger.info({ accountId: context.accountId, result }, 'membership event checked');
  };
  return {
    'membership.added': check,
    'membership.removed': check,
    'membership.changed': check,
  };
}
