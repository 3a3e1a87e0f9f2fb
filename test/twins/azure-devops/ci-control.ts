import { recordPush } from './iterations.js';
import type { AdoRepo, AzureDevOpsState } from './state.js';

/** What tests arrange and read about CI: branch policies, lost push races, and what a pipeline run sees. */
export interface AzureDevOpsCiControl {
  /** A branch policy on `branch` (`main`): from now on a direct push to it is refused with TF402455. */
  requirePullRequests(org: string, project: string, repo: string, branch: string): void;
  /**
   * The next push to `branch` loses a race: just before it arrives another client pushes `files` (path without the
   * leading `/` → content) there, so the push's `oldObjectId` is stale.
   */
  raceNextPush(
    org: string,
    project: string,
    repo: string,
    branch: string,
    files: Readonly<Record<string, string>>,
  ): void;
  /**
   * The CI's view: the variables a run of pipeline `pipelineId` gets from the project's variable groups it is
   * authorized to use, secret values included (the REST API never answers those).
   */
  pipelineVariables(org: string, project: string, pipelineId: number): Record<string, string>;
}

export function createAzureDevOpsCiControl(state: AzureDevOpsState): AzureDevOpsCiControl {
  const find = (orgName: string, projectName: string) => {
    const org = state.organizations.get(orgName.toLowerCase());
    const project = org && state.findProject(org, projectName);
    if (!org || !project) throw new Error(`Azure DevOps twin: no project ${orgName}/${projectName}`);
    return { org, project };
  };
  const repoOf = (orgName: string, projectName: string, name: string): AdoRepo => {
    const repo = state.findRepo(find(orgName, projectName).project, name);
    if (!repo) throw new Error(`Azure DevOps twin: no repository ${name}`);
    return repo;
  };
  return {
    requirePullRequests(org, project, repo, branch) {
      repoOf(org, project, repo).policyRefs.add(`refs/heads/${branch}`);
    },
    raceNextPush(org, project, repo, branch, files) {
      repoOf(org, project, repo).racedPushes.set(`refs/heads/${branch}`, files);
    },
    pipelineVariables(orgName, projectName, pipelineId) {
      const { org, project } = find(orgName, projectName);
      const seen: Record<string, string> = {};
      for (const group of org.variableGroups) {
        if (!group.projects.has(project.id)) continue;
        const permissions = group.permissions.get(project.id);
        if (!permissions?.allPipelines && !permissions?.pipelines.has(pipelineId)) continue;
        for (const [name, variable] of group.variables) seen[name] = variable.value;
      }
      return seen;
    },
  };
}

/** Applies the commit another client pushes first, when a test arranged a lost race for `refName`. */
export function pushRacedCommit(state: AzureDevOpsState, repo: AdoRepo, refName: string): void {
  const files = repo.racedPushes.get(refName);
  if (files === undefined) return;
  repo.racedPushes.delete(refName);
  const base = repo.refs.get(refName) ?? repo.refs.get(repo.defaultBranch);
  const tree = new Map(base === undefined ? [] : repo.commits.get(base)!.files);
  for (const [path, content] of Object.entries(files)) tree.set(`/${path}`, content);
  const commit = state.commit(repo, base, 'A change pushed meanwhile', tree);
  repo.refs.set(refName, commit.id);
  recordPush(repo, refName, state.now());
}
