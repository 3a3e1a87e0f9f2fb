import type { Check } from '../test-report.js';
import type { BitbucketAnswer } from './client.js';
import type { BitbucketContext } from './connection-checks.js';
import { bitbucketCloudHookEvents, hookRefusal } from './hooks.js';
import type { BitbucketWorkspace } from './schemas.js';

/** A hook id no workspace has: asking to change or delete it proves the scope without touching anything. */
const noSuchHook = '{00000000-0000-0000-0000-000000000000}';

const refused = (answer: BitbucketAnswer<unknown>) =>
  !answer.ok && (answer.status === 401 || answer.status === 403) ? answer : undefined;

/**
 * The "Receive webhooks" row: may this credential register scm-connect's workspace hook? Listing the hooks
 * proves read access and workspace admin; an API token's scopes are separate (`read:`, `write:`,
 * `delete:webhook:bitbucket`), so it is also asked to change and delete a hook that does not exist, which
 * Bitbucket refuses for a missing scope before it looks for the hook.
 */
export async function receiveWebhooksRow(
  context: BitbucketContext,
  workspace: BitbucketWorkspace,
): Promise<Check> {
  const { client } = context;
  const probes: (() => Promise<BitbucketAnswer<unknown>>)[] = [() => client.probeHooks(workspace.uuid)];
  if (context.credential === 'api-token') {
    const body = {
      description: 'scm-connect permission check',
      url: 'https://scm-connect.invalid/',
      active: false,
      secret: '',
      events: [bitbucketCloudHookEvents[0]],
    };
    probes.push(
      () => client.updateHook(workspace.uuid, noSuchHook, body),
      () => client.deleteHook(workspace.uuid, noSuchHook),
    );
  }
  for (const [index, probe] of probes.entries()) {
    const answer = await probe();
    const refusal = refused(answer);
    if (refusal) {
      const error = hookRefusal(context, workspace.slug, refusal);
      return {
        status: 'warn',
        code: error.code,
        message: error.message,
        ...(error.fix ? { fix: error.fix } : {}),
      };
    }
    // The listing must answer; the change and delete of a hook that does not exist answer 404.
    if (index === 0 && !answer.ok) {
      return {
        status: 'warn',
        message: `Could not check: the webhooks of workspace \`${workspace.slug}\` did not answer (${answer.status}).`,
        fix: 'Run the test again; if it persists, check the workspace in Bitbucket.',
      };
    }
  }
  return {
    status: 'ok',
    message: `The token can register scm-connect's webhook on workspace \`${workspace.slug}\` (${bitbucketCloudHookEvents.join(', ')}).`,
  };
}
