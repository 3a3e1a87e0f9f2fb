import type { TwinKit } from '../helpers/twin-kits.js';
import type { BitbucketCloudTwin } from '../twins/bitbucket-cloud/index.js';
import { describeBulkCi, proposalBranch } from './bulk-ci-suite.js';
import { valuesAt } from './bulk-ci-world.js';
import { ciAccessScopes } from '../twins/bitbucket-cloud/scenario.js';

const existingFile = `# Shop pipelines
image: node:20

pipelines:
  default:
    # run on every push
    - step:
        name: Build
        script:
          - npm ci
          - npm test
  branches:
    main:
      - step:
          name: Deploy
          script:
            - ./deploy.sh # production
`;

const hostileBranch = `rel/"q'$(id)\${{x}}`;
/** A workspace access token with the kit's scopes and those adding the CI job takes. */
const ciToken = 'bbwat-bulk-ci';
let twin: BitbucketCloudTwin;
const repo = (slug: string) => twin.repository('acme', slug);
const path = 'bitbucket-pipelines.yml';

/* The bulk CI run on Bitbucket Pipelines: pull requests, `bitbucket-pipelines.yml`, a secured variable. */
describeBulkCi({
  kind: 'bitbucket-cloud',
  path,
  repositories: {
    fresh: ['ci-fresh-1', 'ci-fresh-2'],
    merged: 'ci-merged',
    direct: 'ci-direct',
    guarded: 'ci-guarded',
    hostile: 'ci-hostile',
  },
  hostileBranch,
  writesBranchNames: true,
  existingFile,
  ownJobs: ['Build', 'Deploy'],
  ourJobs: ['scm-connect scan', 'scm-connect upload'],
  // Step names, once each (our steps run on several triggers).
  jobs: (parsed) => [
    ...new Set(valuesAt(parsed, 'step').map((step) => String((step as { name?: unknown }).name))),
  ],
  connectToken: ciToken,
  arrange(kit: TwinKit) {
    twin = kit.twin as BitbucketCloudTwin;
    twin.addAccessToken({
      value: ciToken,
      kind: 'workspace',
      workspace: 'acme',
      scopes: [...ciAccessScopes, 'account', 'webhook'],
    });
    const readme = { 'README.md': '# ci\n' };
    for (const slug of ['ci-fresh-1', 'ci-fresh-2', 'ci-direct', 'ci-guarded']) {
      twin.createRepository('acme', { slug, files: readme });
    }
    twin.createRepository('acme', { slug: 'ci-merged', files: { ...readme, [path]: existingFile } });
    twin.createRepository('acme', {
      slug: 'ci-hostile',
      name: `it's "$(id)" \${{ x }} <b>`,
      mainbranch: hostileBranch,
      files: readme,
    });
  },
  fullName: (slug) => `acme/${slug}`,
  defaultBranch: (slug) => repo(slug).mainbranch,
  fileOn: (slug, branch) => repo(slug).branches.get(branch)?.files.get(path),
  openPullRequests: (slug) =>
    [...repo(slug).pullRequests.values()].filter((pr) => pr.source === proposalBranch && pr.state === 'OPEN')
      .length,
  defaultBranchHead: (slug) => repo(slug).branches.get(repo(slug).mainbranch)!.hash,
  protect: (slug) => twin.restrictBranch('acme', slug, repo(slug).mainbranch),
  secretOf: (slug) => twin.pipelineVariable('acme', slug, 'SCM_CONNECT_API_TOKEN')?.value,
  secretScope: (slug) => `acme/${slug}`,
});
