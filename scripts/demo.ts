/**
 * npm run demo: scm-connect against the SCM twins, offline. The twins stand in for github.com (with the instance's
 * GitHub App), gitlab.com, bitbucket.org, dev.azure.com and two self-managed instances; the service is told where they are and may reach loopback.
 * Data goes to ./data-demo (delete it to start over). The twins listen on fixed ports (from
 * SCM_CONNECT_DEMO_TWINS_PORT, 18101 by default) and answer the same scenario every time, so connections made
 * in an earlier run keep working after a restart.
 */
import path from 'node:path';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/core/log.js';
import { startService } from '../src/service.js';
import { demoConnectionGuide, startDemoTwins } from '../test/twins/start-all.js';

const twinsPort = Number(process.env.SCM_CONNECT_DEMO_TWINS_PORT ?? '18101');
if (!Number.isInteger(twinsPort) || twinsPort < 1024 || twinsPort > 65_528) {
  console.error(
    'SCM_CONNECT_DEMO_TWINS_PORT must be a port number from 1024 to 65528 (the twins take seven).',
  );
  process.exit(2);
}
const twins = await startDemoTwins(twinsPort);
const port = process.env.SCM_CONNECT_PORT ?? '8080';
const publicUrl = process.env.SCM_CONNECT_PUBLIC_URL ?? `http://127.0.0.1:${port}`;
// The GitHub twin's demo app is the instance's GitHub App, sending people and deliveries back to this service.
const gitHubApp = twins.github.app('acme-scanner');
gitHubApp.setupUrl = `${publicUrl}/github/setup`;
gitHubApp.callbackUrls = [`${publicUrl}/github/setup`];
gitHubApp.webhookUrl = `${publicUrl}/webhooks/github`;
const config = loadConfig({
  ...process.env,
  SCM_CONNECT_PORT: port,
  SCM_CONNECT_PUBLIC_URL: publicUrl,
  SCM_CONNECT_GITHUB_API_URL: twins.github.apiUrl,
  SCM_CONNECT_GITHUB_WEB_URL: twins.github.webUrl,
  SCM_CONNECT_GITHUB_APP_ID: String(gitHubApp.id),
  SCM_CONNECT_GITHUB_APP_SLUG: gitHubApp.slug,
  SCM_CONNECT_GITHUB_APP_PRIVATE_KEY: gitHubApp.privateKeyPem,
  SCM_CONNECT_GITHUB_APP_WEBHOOK_SECRET: gitHubApp.webhookSecret ?? 'demo-webhook-secret',
  SCM_CONNECT_GITHUB_APP_CLIENT_ID: gitHubApp.clientId,
  SCM_CONNECT_GITHUB_APP_CLIENT_SECRET: gitHubApp.clientSecret,
  SCM_CONNECT_DATA_DIR: process.env.SCM_CONNECT_DATA_DIR ?? path.resolve('data-demo'),
  SCM_CONNECT_ALLOWED_HOSTS: '127.0.0.1',
  SCM_CONNECT_ALLOW_HTTP: 'true',
  SCM_CONNECT_GITLAB_URL: twins.gitlab.url,
  SCM_CONNECT_BITBUCKET_API_URL: twins.bitbucketCloud.url,
  SCM_CONNECT_BITBUCKET_WEB_URL: twins.bitbucketCloud.url,
  SCM_CONNECT_AZURE_DEVOPS_URL: twins.azureDevOps.url,
  SCM_CONNECT_LOG_LEVEL: process.env.SCM_CONNECT_LOG_LEVEL ?? 'warn',
});
const service = await startService({ config, logger: createLogger({ level: config.logLevel }) });
console.log(`
scm-connect demo: ${service.url}
${
  service.setupUrl
    ? `\n  First, create the admin: ${service.setupUrl}\n`
    : '\n  Sign in with the admin you created earlier (delete ./data-demo to start over). Connections made' +
      `\n  earlier keep working: the twins are back on the same ports (${twinsPort}-${twinsPort + 6}).\n`
}
Then open Settings > Source Code Managers and connect the twins:
${demoConnectionGuide(twins)}
`);
const stop = () =>
  void service
    .close()
    .then(() => twins.close())
    .then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
