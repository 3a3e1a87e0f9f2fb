import { randomUUID } from 'node:crypto';
import { createDeliveryFetch } from '../server/delivery-fetch.js';
import type { GitLabGroup, GitLabHook, GitLabState } from './state.js';
import { createInFlight } from '../server/in-flight.js';

/** GitLab's webhook event names (`X-Gitlab-Event`) and the hook flag that subscribes to each. */
export const hookEventFlags: Readonly<Record<string, string>> = {
  'Push Hook': 'push_events',
  'Tag Push Hook': 'tag_push_events',
  'Merge Request Hook': 'merge_requests_events',
  'Note Hook': 'note_events',
  'Pipeline Hook': 'pipeline_events',
  'Job Hook': 'job_events',
  'Issue Hook': 'issues_events',
  'Member Hook': 'member_events',
  'Subgroup Hook': 'subgroup_events',
  'Project Hook': 'project_events',
};

/** One POST the twin made to a hook. */
export interface GitLabHookDelivery {
  readonly hookId: number;
  readonly url: string;
  readonly event: string;
  /** The exact bytes sent. */
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The receiver's status, or 0 when it could not be reached. */
  readonly status: number;
}

export interface GitLabDeliveries {
  /** Every delivery made so far, in the order they finished. */
  readonly log: readonly GitLabHookDelivery[];
  /**
   * Sends `payload` to every hook of the group and of its ancestors that subscribes to `event`, with GitLab's
   * delivery headers (`X-Gitlab-Token` when the hook has a secret token).
   */
  deliver(group: GitLabGroup, event: string, payload: unknown): Promise<GitLabHookDelivery[]>;
  /** Resolves once every delivery started so far has finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export function createGitLabDeliveries(
  state: GitLabState,
  version: string,
  origin: () => string,
): GitLabDeliveries {
  const log: GitLabHookDelivery[] = [];
  const inFlight = createInFlight();
  const outgoing = createDeliveryFetch();

  async function send(hook: GitLabHook, event: string, body: string): Promise<GitLabHookDelivery> {
    // One event id per delivery; GitLab sends the same Idempotency-Key again when it retries.
    const eventId = randomUUID();
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': `GitLab/${version.replace(/-ee$/, '')}`,
      'x-gitlab-event': event,
      'x-gitlab-webhook-uuid': hook.uuid,
      'x-gitlab-event-uuid': eventId,
      'x-gitlab-instance': origin(),
      'idempotency-key': eventId,
    };
    if (hook.token !== undefined) headers['x-gitlab-token'] = hook.token;
    const status = await outgoing.send(hook.url, headers, body).catch(() => 0);
    const delivery = { hookId: hook.id, url: hook.url, event, body, headers, status };
    log.push(delivery);
    return delivery;
  }

  return {
    log,
    deliver(group, event, payload) {
      const flagName = hookEventFlags[event];
      const hooks = state
        .ancestry(group)
        .flatMap((g) => g.hooks)
        .filter((h) => flagName !== undefined && h.events.has(flagName));
      const body = JSON.stringify(payload);
      const all = Promise.all(hooks.map((hook) => send(hook, event, body)));
      return inFlight.track(all);
    },
    idle: inFlight.idle,
    close: () => outgoing.close(),
  };
}
