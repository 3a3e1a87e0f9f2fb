import type { AzureDevOpsDeliveries } from './deliveries.js';
import { VersionedResource } from './deliveries.js';
import type { AdoTwinEvents } from './events.js';
import { commentJson, pullRequestJson, threadJson } from './shapes.js';

/*
 * The pull request events of the `tfs` publisher ("Service hooks events"): "Pull request commented on"
 * (`ms.vss-code.git-pullrequest-comment-event`; resource version 2.0 carries `{comment, pullRequest}`, 1.0 the
 * comment alone), "Pull request updated" (`git.pullrequest.updated`, the pull request) and "Pull request merge
 * attempted" (`git.pullrequest.merged`, the pull request with its merge status) when a pull request completes.
 */
export function createPullRequestEvents(deliveries: AzureDevOpsDeliveries): AdoTwinEvents {
  return {
    commentAdded(origin, pr, thread, comment) {
      const threadUrl = threadJson(origin, pr, thread)._links.self.href;
      const commentResource = commentJson(origin, threadUrl, comment);
      const resource = new VersionedResource((version) =>
        version.startsWith('1.')
          ? { comment: commentResource }
          : { comment: commentResource, pullRequest: pullRequestJson(origin, pr) },
      );
      void deliveries.deliver(
        pr.repo.project.org,
        'ms.vss-code.git-pullrequest-comment-event',
        resource,
        pr.repo.project.id,
      );
    },
    pullRequestClosed(origin, pr) {
      const { org } = pr.repo.project;
      const resource = pullRequestJson(origin, pr);
      void deliveries.deliver(org, 'git.pullrequest.updated', resource, pr.repo.project.id);
      if (pr.status === 'completed') {
        void deliveries.deliver(org, 'git.pullrequest.merged', resource, pr.repo.project.id);
      }
    },
  };
}
