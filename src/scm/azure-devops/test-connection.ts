import { isScmError } from '../errors.js';
import {
  blockedRow,
  buildTestReport,
  capabilityRows,
  failedRow as failed,
  missingScopes,
  notCheckedRow,
  type TestReport,
  type TokenExpiry,
} from '../test-report.js';
import { readCollectionAdministrators, type CollectionAdministrators } from './administrators.js';
import type { ScopeProbe } from './client.js';
import {
  neededScopes,
  probeListingScopes,
  resolveOrganization,
  type AdoContext,
} from './connection-checks.js';
import { listingRow, membersRow, scopeRow, webhooksRow, type AdminsFinding } from './test-connection-rows.js';

/** Runs a check; an SCM failure (timeout, 5xx after retries…) counts as `unknown`. */
async function settle<T>(check: () => Promise<T>): Promise<T | 'unknown'> {
  try {
    return await check();
  } catch (error) {
    if (isScmError(error)) return 'unknown';
    throw error;
  }
}

/** The PAT lifecycle API takes Microsoft Entra tokens only, so a PAT cannot read its own expiry. */
const expiryNotReadable = (ctx: AdoContext): TokenExpiry => ({
  status: 'skipped',
  warning:
    'Not readable: Azure DevOps does not tell a personal access token its own expiry (its PAT lifecycle API takes Microsoft Entra tokens only).',
  fix: `See the expiry in Azure DevOps under User settings > Personal access tokens in organization ${ctx.organization}, and renew the token before then.`,
});

/** Which scopes the probes prove, in report order. A threads probe alone proves `vso.threads_full` only when a push is refused. */
function provenScopes(probes: {
  code: ScopeProbe;
  push: ScopeProbe;
  threads: ScopeProbe;
  members: ScopeProbe;
  graph: boolean;
}): string[] {
  const proven: [string, boolean][] = [
    ['vso.code', probes.code === 'granted'],
    ['vso.code_write', probes.push === 'granted'],
    ['vso.threads_full', probes.threads === 'granted' && probes.push === 'denied'],
    ['vso.memberentitlementmanagement', probes.members === 'granted'],
    ['vso.graph', probes.graph],
  ];
  return proven.filter(([, yes]) => yes).map(([scope]) => scope);
}

/**
 * "Test connection" for Azure DevOps: resolves with a report, also when the checks fail. PAT scopes cannot be
 * read with the PAT itself, so each capability is probed with a call that changes nothing; reading Project
 * Collection Administrators through the Graph doubles as the `vso.graph` probe.
 */
export async function testAzureDevOpsConnection(ctx: AdoContext): Promise<TestReport> {
  const now = ctx.now();
  let resolved: Awaited<ReturnType<typeof resolveOrganization>>;
  try {
    resolved = await resolveOrganization(ctx);
  } catch (error) {
    if (!isScmError(error)) throw error;
    const answered = error.kind === 'auth' || error.kind === 'not-found';
    return buildTestReport(
      {
        reachable: answered
          ? { status: 'ok', message: `Azure DevOps answered at ${ctx.webRoot}.` }
          : failed(error),
        scopes: undefined,
        target: answered ? failed(error) : blockedRow(error),
        capabilities: capabilityRows({}, notCheckedRow(error.message)),
      },
      now,
    );
  }
  const { identity, subjectDescriptor } = resolved;

  const [listing, threads, push, members, admins] = await Promise.all([
    settle(() => probeListingScopes(ctx)),
    settle(() => ctx.client.probeThreadWrite()),
    settle(() => ctx.client.probePush()),
    settle(() => ctx.client.probeUserEntitlements()),
    settle<CollectionAdministrators>(() => readCollectionAdministrators(ctx.client, ctx.organization)),
  ]);
  const { project, code } = listing === 'unknown' ? { project: listing, code: listing } : listing;
  const adminsFinding: AdminsFinding =
    admins === 'unknown'
      ? { kind: 'unknown' }
      : admins.ok
        ? {
            kind: 'read',
            isAdmin: subjectDescriptor === undefined ? undefined : admins.users.has(subjectDescriptor),
          }
        : { kind: 'refused' };
  const granted = provenScopes({ code, push, threads, members, graph: adminsFinding.kind === 'read' });

  return buildTestReport(
    {
      reachable: { status: 'ok', message: `Azure DevOps answered at ${ctx.webRoot}.` },
      identity,
      scopes: { granted, needed: [...neededScopes], missing: missingScopes(granted, neededScopes) },
      target: { status: 'ok', message: `Organization ${ctx.organization} accepts the token.` },
      tokenExpiry: expiryNotReadable(ctx),
      capabilities: {
        'list-repositories': listingRow(ctx, code, project),
        'read-members': membersRow(ctx, members, adminsFinding),
        'comment-on-pull-requests': scopeRow(
          ctx,
          threads,
          'vso.code_write',
          'The token can write pull request threads.',
        ),
        'receive-webhooks': webhooksRow(ctx, identity.login, code, adminsFinding),
        'write-ci-files': scopeRow(ctx, push, 'vso.code_write', 'The token can push to repositories.'),
      },
    },
    now,
  );
}
