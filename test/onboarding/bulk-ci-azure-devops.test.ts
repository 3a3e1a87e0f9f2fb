import type { TwinKit } from '../helpers/twin-kits.js';
import type { AzureDevOpsTwin } from '../twins/azure-devops/index.js';
import { describeBulkCi, proposalBranch } from './bulk-ci-suite.js';
import { valuesAt } from './bulk-ci-world.js';

const existingFile = `# Shop build
trigger:
  - main

pool:
  vmImage: ubuntu-latest

jobs:
  # Build job
  - job: build
    steps:
      - script: npm ci && npm test # tests
        displayName: Test
`;

const hostileBranch = `rel/"q'$(id)\${{x}}`;
const hostileName = `it's "$(id)" \${{ x }} <b>`;
const path = 'azure-pipelines.yml';
const heads = (branch: string) => `refs/heads/${branch}`;
let twin: AzureDevOpsTwin;

const shop = () => twin.state.findProject(twin.state.organizations.get('contoso')!, 'Shop')!;
const repo = (name: string) => twin.state.findRepo(shop(), name)!;
const branchOf = (name: string) => repo(name).defaultBranch.replace(/^refs\/heads\//, '');

/* The bulk CI run on Azure Pipelines: pull requests, `azure-pipelines.yml`, a pipeline, the project's variable group. */
describeBulkCi({
  kind: 'azure-devops',
  path,
  repositories: {
    fresh: ['ci-fresh-1', 'ci-fresh-2'],
    merged: 'ci-merged',
    direct: 'ci-direct',
    guarded: 'ci-guarded',
    hostile: hostileName,
  },
  hostileBranch,
  writesBranchNames: true,
  existingFile,
  ownJobs: ['build'],
  ourJobs: ['scm_connect_scan'],
  jobs: (parsed) => valuesAt(parsed, 'job').map(String),
  async arrange(kit: TwinKit) {
    twin = kit.twin as AzureDevOpsTwin;
    const readme = { 'README.md': '# ci\n' };
    for (const name of ['ci-fresh-1', 'ci-fresh-2', 'ci-direct', 'ci-guarded', 'ci-merged', hostileName]) {
      await twin.createRepository('contoso', 'Shop', name);
      await twin.push('contoso', 'Shop', name, 'main', readme);
    }
    await twin.push('contoso', 'Shop', 'ci-merged', 'main', { [path]: existingFile });
    // A default branch of a hostile name: pushed, then chosen in the repository's settings.
    await twin.push('contoso', 'Shop', hostileName, hostileBranch, {});
    Object.assign(repo(hostileName), { defaultBranch: heads(hostileBranch) });
  },
  fullName: (name) => `contoso/Shop/${name}`,
  defaultBranch: branchOf,
  fileOn(name, branch) {
    const head = repo(name).refs.get(heads(branch));
    return head === undefined ? undefined : repo(name).commits.get(head)?.files.get(`/${path}`);
  },
  openPullRequests: (name) =>
    [...repo(name).pullRequests.values()].filter(
      (pr) => pr.sourceRefName === heads(proposalBranch) && pr.status === 'active',
    ).length,
  defaultBranchHead: (name) => repo(name).refs.get(repo(name).defaultBranch)!,
  protect: (name) => twin.requirePullRequests('contoso', 'Shop', name, branchOf(name)),
  secretOf(name) {
    // What a run of the repository's pipeline gets from the variable groups it may use.
    const pipeline = shop().pipelines.find((p) => p.repositoryId === repo(name).id);
    if (!pipeline) return undefined;
    return twin.pipelineVariables('contoso', 'Shop', pipeline.id).SCM_CONNECT_API_TOKEN;
  },
  secretScope: () => 'contoso/shop',
});
