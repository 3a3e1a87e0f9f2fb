import { startAzureDevOpsTwin, demoAzureDevOpsScenario, type AzureDevOpsTwin } from './azure-devops/index.js';
import {
  startBitbucketCloudTwin,
  demoBitbucketCloudScenario,
  type BitbucketCloudTwin,
} from './bitbucket-cloud/index.js';
import {
  startBitbucketDataCenterTwin,
  demoBitbucketDataCenterScenario,
  type BitbucketDataCenterTwin,
} from './bitbucket-data-center/index.js';
import { startGitHubTwin, demoGitHubScenario, type GitHubTwin } from './github/index.js';
import { startGitLabTwin, demoGitLabScenario, type GitLabTwin } from './gitlab/index.js';

export interface DemoTwins {
  readonly github: GitHubTwin;
  readonly githubEnterprise: GitHubTwin;
  readonly gitlab: GitLabTwin;
  readonly gitlabSelfManaged: GitLabTwin;
  readonly bitbucketCloud: BitbucketCloudTwin;
  readonly bitbucketDataCenter: BitbucketDataCenterTwin;
  readonly azureDevOps: AzureDevOpsTwin;
  close(): Promise<void>;
}

/** Every twin with its demo scenario, on loopback ports (fixed ones when `basePort` is given). */
export async function startDemoTwins(basePort?: number): Promise<DemoTwins> {
  const port = (offset: number) => (basePort ? { port: basePort + offset } : {});
  const twins = {
    gitlab: await startGitLabTwin(demoGitLabScenario(), port(0)),
    gitlabSelfManaged: await startGitLabTwin(demoGitLabScenario(), { ...port(1), version: '17.5.0' }),
    bitbucketCloud: await startBitbucketCloudTwin(demoBitbucketCloudScenario(), port(2)),
    bitbucketDataCenter: await startBitbucketDataCenterTwin(demoBitbucketDataCenterScenario(), port(3)),
    azureDevOps: await startAzureDevOpsTwin(demoAzureDevOpsScenario(), port(4)),
    github: await startGitHubTwin(demoGitHubScenario(), port(5)),
    githubEnterprise: await startGitHubTwin(demoGitHubScenario(), { ...port(6), flavor: 'enterprise' }),
  };
  return {
    ...twins,
    close: async () => {
      await Promise.all(Object.values(twins).map((twin) => twin.close()));
    },
  };
}

/** What to type into each Connect dialog to reach the demo twins. */
export function demoConnectionGuide(twins: DemoTwins): string {
  return [
    `  Connect to GitHub         on the GitHub twin sign in as octo-admin / admin-pass and install on acme`,
    `  Add GitLab Cloud          token glpat-demo-alice-api          group acme`,
    `  Add GitLab Self-Managed   token glpat-demo-alice-api          URL ${twins.gitlabSelfManaged.url}  group acme`,
    `  Add Bitbucket Cloud       workspace acme                      token bbwat-demo-full`,
    `  Add Bitbucket Data Center project key SHOP                    URL ${twins.bitbucketDataCenter.baseUrl}  token bbdc-project-admin-token`,
    `  Add Azure DevOps          organization contoso                token ado-full-pat`,
    '',
    '  Failures to try: GitLab token glpat-demo-alice-readapi (read_api only), glpat-demo-expired, group acme/backend',
    '  (a subgroup), Azure DevOps token ado-expired-pat.',
  ].join('\n');
}
