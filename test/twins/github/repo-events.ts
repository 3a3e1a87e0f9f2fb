import type { Shapes } from './shapes.js';
import type { GitHubState, RepoRecord, UserRecord } from './state.js';
import type { TwinWebhooks } from './webhooks.js';

/**
 * Repository webhooks of GitHub Apps ("Webhook events and payloads"): every app installed on the repository's
 * account, with the repository in its selection, not suspended and subscribed to the event, receives it with
 * `repository`, `organization` (an organization's repository), `sender` and `installation` ({id, node_id}).
 * Sent as GitHub does, after the answer: `twin.webhooks.idle()` waits for them.
 */
export interface RepoEvents {
  send(repo: RepoRecord, event: string, sender: UserRecord, payload: Record<string, unknown>): void;
}

export function createRepoEvents(
  state: GitHubState,
  webhooks: TwinWebhooks,
  shapes: () => Shapes,
): RepoEvents {
  return {
    send(repo, event, sender, payload) {
      const action = typeof payload.action === 'string' ? payload.action : undefined;
      for (const installation of state.installations.values()) {
        if (installation.account.toLowerCase() !== repo.owner.toLowerCase()) continue;
        if (installation.suspendedAt !== null || !installation.events.includes(event)) continue;
        if (installation.repositorySelection === 'selected' && !installation.selectedRepoIds.has(repo.id))
          continue;
        const app = state.apps.get(installation.appId);
        if (!app) continue;
        const s = shapes();
        const org = state.orgByLogin(repo.owner);
        void webhooks.deliver(
          app,
          event,
          {
            ...payload,
            repository: s.fullRepo(repo),
            ...(org ? { organization: s.orgSimple(org) } : {}),
            sender: s.user(sender),
            installation: {
              id: installation.id,
              node_id: s.nodeId('Integration::Installation', installation.id),
            },
          },
          { ...(action ? { action } : {}), installationId: installation.id, repositoryId: repo.id },
        );
      }
    },
  };
}
