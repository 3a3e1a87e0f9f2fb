import type { BitbucketRepository } from './state.js';
import type { BitbucketViews } from './views.js';

/** The "Repository" common entity of webhook payloads (Atlassian Support, "Event payloads"). */
export function repositoryEntity(views: BitbucketViews, repo: BitbucketRepository) {
  const full = views.repository(repo);
  return {
    type: 'repository',
    name: full.name,
    full_name: full.full_name,
    workspace: full.workspace,
    uuid: full.uuid,
    links: { self: full.links.self, html: full.links.html, avatar: full.links.avatar },
    project: full.project,
    website: null,
    scm: 'git',
    is_private: full.is_private,
    owner: full.owner,
  };
}
