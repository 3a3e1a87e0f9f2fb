import { isScmError } from '../errors.js';
import {
  blockedRow,
  buildTestReport,
  capabilityRows,
  failedRow as failed,
  missingScopes,
  notCheckedRow,
  type Check,
  type ScmIdentity,
  type TestReport,
} from '../test-report.js';
import type { ScopeProbe } from './client.js';
import {
  describeScopes,
  neededScopes,
  patFix,
  probeListingScopes,
  resolveOrganization,
  type AdoContext,
} from './connection-checks.js';

/** Runs a probe; an SCM failure (timeout, 5xx after retries…) counts as `unknown`. */
async function settle(probe: () => Promise<ScopeProbe>): Promise<ScopeProbe> {
  try {
    return await probe();
  } catch (error) {
    if (isScmError(error)) return 'unknown';
    throw error;
  }
}

function scopeRow(ctx: AdoContext, probe: ScopeProbe, scope: string, granted: string, note = ''): Check {
  if (probe === 'granted') return { status: 'ok', message: `${granted}${note}` };
  const message =
    probe === 'denied'
      ? `The token lacks \`${scope}\` (${describeScopes([scope])}).`
      : `Could not check whether the token has \`${scope}\`: Azure DevOps did not answer the probe.`;
  return { status: 'warn', message, fix: patFix(ctx, [...neededScopes, scope]) };
}

/**
 * "Test connection" for Azure DevOps: resolves with a report, also when the checks fail. PAT scopes and expiry
 * cannot be read with the PAT itself, so each capability is probed with a call that changes nothing.
 */
export async function testAzureDevOpsConnection(ctx: AdoContext): Promise<TestReport> {
  const now = ctx.now();
  let identity: ScmIdentity;
  try {
    ({ identity } = await resolveOrganization(ctx));
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

  const [listing, threads, push, hooks, members] = await Promise.all([
    probeListingScopes(ctx).catch((error: unknown) => {
      if (isScmError(error)) return { project: 'unknown' as const, code: 'unknown' as const };
      throw error;
    }),
    settle(() => ctx.client.probeThreadWrite()),
    settle(() => ctx.client.probePush()),
    settle(() => ctx.client.probeHookSubscriptions()),
    settle(() => ctx.client.probeUserEntitlements()),
  ]);
  const proven: [string, ScopeProbe][] = [
    ['vso.code', listing.code],
    ['vso.project', listing.project],
    ['vso.code_write', push === 'granted' || threads === 'granted' ? 'granted' : 'denied'],
    ['vso.hooks', hooks],
    ['vso.memberentitlementmanagement', members],
  ];
  const granted = proven.filter(([, probe]) => probe === 'granted').map(([scope]) => scope);
  const missingForListing = missingScopes(granted, neededScopes);

  return buildTestReport(
    {
      reachable: { status: 'ok', message: `Azure DevOps answered at ${ctx.webRoot}.` },
      identity,
      scopes: { granted, needed: [...neededScopes], missing: missingForListing },
      target: { status: 'ok', message: `Organization ${ctx.organization} accepts the token.` },
      capabilities: {
        'list-repositories':
          missingForListing.length === 0
            ? { status: 'ok', message: 'The token can list projects and read their repositories.' }
            : {
                status: 'fail',
                message: `The token cannot list repositories: it lacks ${missingForListing.map((s) => `\`${s}\``).join(', ')}.`,
                fix: patFix(ctx, neededScopes),
              },
        'read-members': scopeRow(
          ctx,
          members,
          'vso.memberentitlementmanagement',
          'The token can read the users of the organization.',
        ),
        'comment-on-pull-requests': scopeRow(
          ctx,
          threads,
          'vso.code_write',
          'The token can write pull request threads.',
        ),
        'receive-webhooks': scopeRow(
          ctx,
          hooks,
          'vso.hooks',
          'The token can read service hook subscriptions.',
          ' Creating them also needs membership of Project Collection Administrators.',
        ),
        'write-ci-files': scopeRow(ctx, push, 'vso.code_write', 'The token can push to repositories.'),
      },
    },
    now,
  );
}
