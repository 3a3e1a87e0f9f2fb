import type { GitLabTwin } from '../twins/gitlab/index.js';
import type { TwinKit } from '../helpers/twin-kits.js';
import { describeBulkCi, proposalBranch } from './bulk-ci-suite.js';

const existingFile = `# Build and test the shop
stages:
  - build
  - test

# Compile everything
build-app:
  stage: build
  script:
    - make build # the whole tree

unit-tests:
  stage: test
  script:
    - make test
`;

const reserved = new Set(['stages', 'variables', 'default', 'include', 'workflow', 'image', 'services']);
const hostileBranch = `rel/"q'$(id)\${{x}}`;
let twin: GitLabTwin;
const project = (name: string) => twin.project(`acme/${name}`);

/* The bulk CI run on GitLab CI: merge requests, `.gitlab-ci.yml` and a masked project variable. */
describeBulkCi({
  kind: 'gitlab',
  path: '.gitlab-ci.yml',
  repositories: {
    fresh: ['ci-fresh-1', 'ci-fresh-2'],
    merged: 'ci-merged',
    direct: 'ci-direct',
    guarded: 'ci-guarded',
    hostile: 'ci-hostile',
  },
  hostileBranch,
  writesBranchNames: false,
  existingFile,
  ownJobs: ['build-app', 'unit-tests'],
  ourJobs: ['scm-connect-scan', 'scm-connect-upload'],
  jobs: (parsed) =>
    Object.keys(parsed as Record<string, unknown>).filter(
      (key) => !reserved.has(key) && !key.startsWith('.'),
    ),
  async arrange(kit: TwinKit) {
    twin = kit.twin as GitLabTwin;
    const readme = { 'README.md': '# ci\n' };
    for (const path of ['ci-fresh-1', 'ci-fresh-2', 'ci-direct', 'ci-guarded']) {
      await twin.createProject('acme', { path, files: readme });
    }
    await twin.createProject('acme', {
      path: 'ci-merged',
      files: { ...readme, '.gitlab-ci.yml': existingFile },
    });
    await twin.createProject('acme', {
      path: 'ci-hostile',
      name: `it's "$(id)" \${{ x }} <b>`,
      defaultBranch: hostileBranch,
      files: readme,
    });
  },
  fullName: (name) => `acme/${name}`,
  defaultBranch: (name) => project(name).defaultBranch,
  fileOn: (name, branch) => project(name).branches.get(branch)?.files.get('.gitlab-ci.yml'),
  openPullRequests: (name) =>
    [...project(name).mergeRequests.values()].filter(
      (mr) => mr.sourceBranch === proposalBranch && mr.state === 'opened',
    ).length,
  defaultBranchHead: (name) => project(name).branches.get(project(name).defaultBranch)!.commit,
  protect: (name) => twin.protectBranch(`acme/${name}`, project(name).defaultBranch, { pushAccessLevel: 0 }),
  secretOf: (name) => twin.ciVariable(`acme/${name}`, 'SCM_CONNECT_API_TOKEN')?.value,
  secretScope: (name) => `acme/${name}`,
});
