import { z } from 'zod';
import { branchOf } from '../webhook-payload.js';
import type { WebhookRepository } from '../webhook-receiver.js';

/** `GitRepository` as service hook resources carry it. */
export const repository = z.object({
  id: z.string(),
  name: z.string(),
  project: z.object({ id: z.string(), name: z.string() }),
  defaultBranch: z.string().nullish(),
  remoteUrl: z.string().optional(),
});

/** `organization/project/repo`, as the inventory names Azure DevOps repositories. */
export const fullNameOf = (organization: string | undefined, project: string, name: string) =>
  [organization, project, name].filter((part) => part !== undefined).join('/');

export function toRepository(
  repo: z.infer<typeof repository>,
  organization: string | undefined,
): WebhookRepository {
  return {
    externalId: repo.id,
    fullName: fullNameOf(organization, repo.project.name, repo.name),
    name: repo.name,
    ...(repo.remoteUrl ? { webUrl: repo.remoteUrl } : {}),
    ...(repo.defaultBranch !== undefined
      ? { defaultBranch: repo.defaultBranch ? (branchOf(repo.defaultBranch) ?? repo.defaultBranch) : null }
      : {}),
  };
}
