import {
  octoAdmin,
  Person,
  signInAgain,
  startGitHubWorld,
  waitFor,
  type GitHubWorld,
} from '../api/github/github-world.js';
import type { ApiClient } from '../helpers/api-client.js';

export interface BulkRun {
  id: string;
  status: string;
  total: number;
  counts: Record<'pending' | 'opened' | 'updated' | 'present' | 'committed' | 'skipped' | 'failed', number>;
}

export interface BulkStep {
  repositoryId: string;
  fullName: string;
  status: string;
  outcome: string | null;
  pullRequestUrl: string | null;
  commitUrl: string | null;
  secret: string | null;
  reason: string | null;
  message: string | null;
  fix: string | null;
}

export interface GitHubBulkWorld extends GitHubWorld {
  /** The first admin, signed in again after connecting. */
  readonly api: ApiClient;
  /** Repository ids by full name. */
  readonly ids: Record<string, string>;
  startRun(names: readonly string[], mode: 'pull-request' | 'direct'): Promise<BulkRun>;
  waitForEnd(runId: string, timeoutMs?: number): Promise<BulkRun>;
  steps(runId: string): Promise<BulkStep[]>;
}

/**
 * The GitHub twin with `acme`'s demo repositories plus `extra` ones, the instance's app installed on `acme`
 * through GitHub's pages, and the connection synced.
 */
export async function startGitHubBulkWorld(
  extra: readonly Parameters<GitHubWorld['twin']['state']['addRepo']>[1][],
): Promise<GitHubBulkWorld> {
  const world = await startGitHubWorld();
  const acme = world.twin.state.orgByLogin('acme')!;
  for (const repo of extra) world.twin.state.addRepo(acme, repo);
  const person = new Person(world, world.admin);
  const back = await person.installOnGitHub(await person.startInstall(world.accountId), octoAdmin, 'acme');
  const visited = await person.visit(back);
  if (visited.status !== 303) throw new Error(`GitHub setup: ${visited.status}`);
  const api = await signInAgain(world);
  const base = `/api/v1/accounts/${world.accountId}`;
  await waitFor(async () => {
    const answer = await api.get<{ items: { kind: string; lastSyncedAt: string | null }[] }>(
      `${base}/connections`,
    );
    return answer.body.items.find((c) => c.kind === 'github' && c.lastSyncedAt !== null);
  }, 30_000);
  const listed = await api.get<{ items: { id: string; fullName: string }[] }>(
    `${base}/repositories?limit=500`,
  );
  const ids = Object.fromEntries(listed.body.items.map((item) => [item.fullName, item.id]));

  return {
    ...world,
    api,
    ids,
    async startRun(names, mode) {
      const answer = await api.post<BulkRun>(`${base}/ci-jobs`, {
        repositoryIds: names.map((name) => {
          const id = ids[name];
          if (!id) throw new Error(`no repository ${name}`);
          return id;
        }),
        mode,
      });
      if (answer.status !== 202) throw new Error(`start: ${answer.status} ${answer.text}`);
      return answer.body;
    },
    waitForEnd: (runId, timeoutMs = 60_000) =>
      waitFor(async () => {
        const run = (await api.get<BulkRun>(`${base}/ci-jobs/${runId}`)).body;
        return ['succeeded', 'failed', 'cancelled'].includes(run.status) ? run : undefined;
      }, timeoutMs),
    async steps(runId) {
      const answer = await api.get<{ items: BulkStep[] }>(`${base}/ci-jobs/${runId}/repositories?limit=500`);
      return answer.body.items;
    },
  };
}
