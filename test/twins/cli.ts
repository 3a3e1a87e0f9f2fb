/**
 * npm run twins: every SCM twin with its demo scenario on loopback, until Ctrl-C. Prints their URLs and the
 * demo tokens. `--port N` puts them on N, N+1, … instead of free ports.
 */
import { parseArgs } from 'node:util';
import { demoConnectionGuide, startDemoTwins } from './start-all.js';

const { values } = parseArgs({ options: { port: { type: 'string' } } });
const twins = await startDemoTwins(values.port ? Number(values.port) : undefined);
console.log(`SCM twins (demo scenarios):
  GitLab (as gitlab.com)        ${twins.gitlab.url}
  GitLab Self-Managed           ${twins.gitlabSelfManaged.url}
  Bitbucket Cloud (API and web) ${twins.bitbucketCloud.url}
  Bitbucket Data Center         ${twins.bitbucketDataCenter.baseUrl}
  Azure DevOps                  ${twins.azureDevOps.url}
  GitHub (API and web pages)    ${twins.github.apiUrl}
  GitHub Enterprise Server      ${twins.githubEnterprise.webUrl} (API ${twins.githubEnterprise.apiUrl})

Demo tokens:
${demoConnectionGuide(twins)}
`);
const stop = () => void twins.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
