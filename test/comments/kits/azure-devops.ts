import { azureDevOpsHookEvents } from '../../../src/scm/azure-devops/hooks.js';
import { createLiveSecretBox } from '../../../src/secrets/live-secret-box.js';
import { openEndpointSecrets, webhookPath } from '../../../src/webhooks/endpoints.js';
import type { AzureDevOpsTwin } from '../../twins/azure-devops/index.js';
import type { AdoPullRequest, AdoThread } from '../../twins/azure-devops/state.js';
import type { FamiliesWorld, Family } from '../../findings/scan-families.js';
import type { PullRequestKit, PullRequestKitFactory, TwinStatus, TwinThread } from '../pull-request-kit.js';

/*
 * The Azure DevOps kit: pull requests on the family's `contoso/Shop/website`, opened and pushed through the
 * twin's control methods (pushes deliver `git.push`); people reply and close through the REST API with their
 * own tokens, so the twin delivers `ms.vss-code.git-pullrequest-comment-event`, `git.pullrequest.updated` and
 * `git.pullrequest.merged` to scm-connect. The connection comments as the good token's user.
 *
 * scm-connect registers Azure DevOps service hooks only at an https public URL (deliveries carry basic-auth
 * credentials), which a loopback test service does not have. When the connection has no hook, the kit
 * subscribes the connection's webhook endpoint itself, with the endpoint's credentials and an
 * `X-Forwarded-Proto: https` header (`httpHeaders`), which a service run with `SCM_CONNECT_TRUST_PROXY=true`
 * reads as https; without that setting the service refuses the deliveries (403 `https_required`), as it should.
 */

/** A Contributor (may push) and a Reader (may read and, as Readers do by default, comment) of the project. */
const people = {
  writer: {
    principalName: 'wendy.writer@example.com',
    displayName: 'Wendy Writer',
    role: 'projectContributor',
    token: 'ado-kit-writer',
  },
  reader: {
    principalName: 'rita.reader@example.com',
    displayName: 'Rita Reader',
    role: 'projectReader',
    token: 'ado-kit-reader',
  },
} as const;

const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const resolvedStatuses = new Set(['fixed', 'wontFix', 'closed', 'byDesign']);

const statusOf = (state: string): TwinStatus['state'] =>
  state === 'succeeded' ? 'success' : state === 'failed' || state === 'error' ? 'failure' : 'pending';

function twinOf(family: Family): AzureDevOpsTwin {
  if (family.kind !== 'azure-devops') throw new Error(`the Azure DevOps kit cannot drive ${family.kind}`);
  return family.twin as AzureDevOpsTwin;
}

/** A thread as the twin holds it; undefined for system threads and threads whose first comment was deleted. */
function toTwinThread(thread: AdoThread): TwinThread | undefined {
  const [root, ...rest] = thread.comments;
  if (!root || root.isDeleted || root.commentType === 'system') return undefined;
  const context = thread.threadContext as
    { filePath?: string; rightFileStart?: { line: number }; rightFileEnd?: { line: number } } | undefined;
  const line = context?.rightFileEnd?.line ?? context?.rightFileStart?.line;
  return {
    id: `${thread.id}.${root.id}`,
    ...(context?.filePath ? { path: context.filePath.replace(/^\/+/, '') } : {}),
    ...(line === undefined ? {} : { line }),
    body: root.content,
    author: root.author.principalName,
    resolved: resolvedStatuses.has(thread.status),
    replies: rest
      .filter((comment) => !comment.isDeleted && comment.commentType !== 'system')
      .map((comment) => ({ author: comment.author.principalName, body: comment.content })),
  };
}

/** Subscribes the connection's webhook endpoint to every event scm-connect registers, unless a hook exists. */
async function subscribeEndpoint(
  world: FamiliesWorld,
  family: Family,
  twin: AzureDevOpsTwin,
  orgName: string,
) {
  const org = twin.state.organizations.get(orgName.toLowerCase())!;
  const row = await world.service.database.db
    .selectFrom('webhook_endpoints')
    .select(['id', 'account_id', 'connection_id', 'kind', 'secret_encrypted', 'signing_secret_encrypted'])
    .select(['last_failure_at'])
    .where('connection_id', '=', family.repository.connectionId)
    .executeTakeFirst();
  if (!row) throw new Error('the Azure DevOps connection has no webhook endpoint');
  const url = new URL(webhookPath('azure-devops', row.id), world.service.url).toString();
  if (org.hooks.some((hook) => hook.consumerInputs.url === url)) return;
  const box = createLiveSecretBox({
    envValue: world.service.config.masterKey,
    dataDir: world.service.config.dataDir,
  });
  const { secret } = openEndpointSecrets(box, {
    id: row.id,
    accountId: row.account_id,
    connectionId: row.connection_id,
    kind: row.kind,
    secretEncrypted: row.secret_encrypted,
    signingSecretEncrypted: row.signing_secret_encrypted,
    lastFailureAt: row.last_failure_at,
  });
  const colon = secret.indexOf(':');
  for (const eventType of azureDevOpsHookEvents) {
    org.hooks.push({
      id: `kit-${eventType}-${row.id}`,
      publisherId: 'tfs',
      eventType,
      resourceVersion: eventType === 'ms.vss-code.git-pullrequest-comment-event' ? '2.0' : '1.0',
      consumerId: 'webHooks',
      consumerActionId: 'httpRequest',
      publisherInputs: {},
      consumerInputs: {
        url,
        basicAuthUsername: secret.slice(0, colon),
        basicAuthPassword: secret.slice(colon + 1),
        httpHeaders: 'X-Forwarded-Proto: https',
        resourceDetailsToSend: 'all',
        messagesToSend: 'none',
        detailedMessagesToSend: 'none',
      },
      createdBy: undefined,
      createdDate: twin.state.now(),
    });
  }
}

export const azureDevOpsPullRequestKit: PullRequestKitFactory = async (world, family) => {
  const twin = twinOf(family);
  const [orgName, projectName, repoName] = family.repository.fullName.split('/') as [string, string, string];
  const org = twin.state.organizations.get(orgName.toLowerCase())!;
  await subscribeEndpoint(world, family, twin, orgName);
  for (const person of Object.values(people)) {
    if (!twin.state.pats.has(person.token)) {
      twin.addMember(orgName, {
        principalName: person.principalName,
        displayName: person.displayName,
        projects: { [projectName]: person.role },
        pats: [{ value: person.token, scopes: ['vso.code_write'] }],
      });
    }
  }
  const repo = () => twin.state.findRepo(twin.state.findProject(org, projectName)!, repoName)!;
  const pullRequest = (id: number): AdoPullRequest => {
    const pr = repo().pullRequests.get(id);
    if (!pr) throw new Error(`Azure DevOps twin: no pull request ${id} in ${family.repository.fullName}`);
    return pr;
  };
  const personaAuth = new Set(
    Object.values(people).map((p) => `Basic ${Buffer.from(`:${p.token}`).toString('base64')}`),
  );

  /** A REST call as one of the people, then waits for the deliveries it caused. */
  async function asPerson(who: keyof typeof people, method: string, tail: string, body: unknown) {
    const url = `${twin.url}/${orgName}/${encodeURIComponent(projectName)}/_apis/git/repositories/${repo().id}${tail}?api-version=7.1`;
    const response = await fetch(url, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`:${people[who].token}`).toString('base64')}`,
        'content-type': 'application/json',
        'x-tfs-fedauthredirect': 'Suppress',
      },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`Azure DevOps twin: ${method} ${tail} answered ${response.status}`);
    await twin.idle();
  }

  const kit: PullRequestKit = {
    botLogin: twin.state.pats.get('ado-kit-good')!.user.principalName,
    async openPullRequest(branch, files) {
      await twin.push(orgName, projectName, repoName, branch, files);
      const pr = twin.openPullRequest(orgName, projectName, repoName, branch, `Change ${branch}`);
      await twin.idle();
      const iteration = pr.iterations.at(-1)!;
      return { number: pr.id, headSha: iteration.sourceCommit, baseSha: iteration.commonCommit };
    },
    async push(branch, files) {
      await twin.push(orgName, projectName, repoName, branch, files);
      await twin.idle();
      return repo().refs.get(`refs/heads/${branch}`)!;
    },
    async threads(pr) {
      return [...pullRequest(pr).threads]
        .sort((a, b) => a.id - b.id)
        .map(toTwinThread)
        .filter((thread): thread is TwinThread => thread !== undefined);
    },
    async status(pr, sha) {
      const request = pullRequest(pr);
      const iterations = new Set(request.iterations.filter((i) => i.sourceCommit === sha).map((i) => i.id));
      const latest = request.statuses
        .filter(
          (s) =>
            s.context.name === 'scm-connect' && s.iterationId !== undefined && iterations.has(s.iterationId),
        )
        .sort((a, b) => a.id - b.id)
        .at(-1);
      if (!latest) return undefined;
      return {
        state: statusOf(latest.state),
        description: latest.description,
        targetUrl: latest.targetUrl ?? '',
      };
    },
    // Writes by scm-connect: the people's own calls through the kit are not counted.
    writes: () =>
      twin.log.filter(
        (r) =>
          writeMethods.has(r.method) &&
          r.path.includes('/_apis/') &&
          !personaAuth.has(String(r.headers.authorization ?? '')),
      ).length,
    async reply(pr, threadId, who, body) {
      const [thread, parent] = threadId.split('.');
      await asPerson(who, 'POST', `/pullRequests/${pr}/threads/${thread}/comments`, {
        content: body,
        parentCommentId: Number(parent ?? 1),
        commentType: 1,
      });
    },
    async close(pr, merged) {
      const head = pullRequest(pr).iterations.at(-1)?.sourceCommit;
      await asPerson(
        'writer',
        'PATCH',
        `/pullRequests/${pr}`,
        merged ? { status: 'completed', lastMergeSourceCommit: { commitId: head } } : { status: 'abandoned' },
      );
    },
  };
  return kit;
};
