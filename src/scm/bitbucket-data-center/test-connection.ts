import { isScmError, type ScmError } from '../errors.js';
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
import type { PermissionProbe } from './client.js';
import {
  neededPermissions,
  readServerVersion,
  resolveProject,
  type BbdcContext,
} from './connection-checks.js';
import { bbdcHookEvents } from './hooks.js';

const tokenFix = (ctx: BbdcContext, permission: string) =>
  `Create an HTTP access token in project ${ctx.projectKey} (Project settings > HTTP access tokens) with ${permission}, then update the connection.`;

/** Runs a probe; an SCM failure (timeout, 5xx after retries…) becomes `unknown` with its message. */
async function settle<T>(probe: () => Promise<T>): Promise<T | ScmError> {
  try {
    return await probe();
  } catch (error) {
    if (isScmError(error)) return error;
    throw error;
  }
}

function permissionRow(
  probe: PermissionProbe | ScmError | undefined,
  texts: { granted: string; denied: string; fix: string; unknown: string },
): Check {
  if (probe === 'granted') return { status: 'ok', message: texts.granted };
  if (probe === 'denied') return { status: 'warn', message: texts.denied, fix: texts.fix };
  const why = probe === undefined || typeof probe === 'string' ? texts.unknown : probe.message;
  return { status: 'warn', message: `Could not check: ${why}`, fix: texts.fix };
}

/** "Test connection" for Bitbucket Data Center: resolves with a report, also when the checks fail. */
export async function testBbdcConnection(ctx: BbdcContext): Promise<TestReport> {
  const now = ctx.now();
  const key = ctx.projectKey;
  let serverVersion: string;
  try {
    serverVersion = await readServerVersion(ctx);
  } catch (error) {
    if (!isScmError(error)) throw error;
    return buildTestReport(stoppedEarly(error, undefined, undefined), now);
  }

  let identity: ScmIdentity;
  try {
    ({ identity } = await resolveProject(ctx));
  } catch (error) {
    if (!isScmError(error)) throw error;
    return buildTestReport(stoppedEarly(error, serverVersion, key), now);
  }

  const [first, admin, webhooks] = await Promise.all([
    settle(() => ctx.client.firstRepository(key)),
    settle(() => ctx.client.probeProjectAdmin(key)),
    settle(() => ctx.client.probeWebhooks(key)),
  ]);
  const canList = !isScmError(first) && first.ok;
  const repository = canList ? first.data : undefined;
  const write = repository
    ? await settle(() => ctx.client.probeRepositoryWrite(key, repository.slug))
    : undefined;
  const noRepository = canList
    ? `project ${key} has no repository to check against.`
    : 'the repositories cannot be listed.';

  const granted = [
    ...(canList ? ['PROJECT_READ'] : []),
    ...(write === 'granted' ? ['REPO_WRITE'] : []),
    ...(admin === 'granted' ? ['PROJECT_ADMIN'] : []),
  ];
  const writeTexts = {
    denied: 'The token cannot write to repositories (needs Repository write).',
    fix: tokenFix(ctx, 'Project write or Repository write'),
    unknown: noRepository,
  };
  return buildTestReport(
    {
      reachable: {
        status: 'ok',
        message: `Bitbucket Data Center ${serverVersion} answered at ${ctx.webRoot}.`,
      },
      identity,
      serverVersion,
      scopes: {
        granted,
        needed: [...neededPermissions],
        missing: missingScopes(granted, neededPermissions),
      },
      target: { status: 'ok', message: `Project ${key} is visible to the token.` },
      capabilities: {
        'list-repositories': canList
          ? { status: 'ok', message: `The token can list the repositories of project ${key}.` }
          : isScmError(first)
            ? failed(first)
            : {
                status: 'fail',
                message: `The token can see project ${key} but cannot list its repositories (needs Project read).`,
                fix: tokenFix(ctx, 'Project read'),
              },
        'read-members': permissionRow(admin, {
          granted: `The token can read who has access to project ${key}.`,
          denied: 'Reading members needs Project admin; the token does not have it.',
          fix: tokenFix(ctx, 'Project admin'),
          unknown: 'the project permissions did not answer.',
        }),
        'comment-on-pull-requests': permissionRow(write, {
          ...writeTexts,
          granted: 'The token can write to repositories, which pull request comments need.',
        }),
        'receive-webhooks': permissionRow(webhooks, {
          granted: `The token can register scm-connect's webhook on project ${key} (${bbdcHookEvents.join(', ')}).`,
          denied: `The token cannot register scm-connect's webhook on project ${key}: managing webhooks needs Project admin (PROJECT_ADMIN).`,
          fix: tokenFix(ctx, 'Project admin'),
          unknown: 'the project webhooks did not answer.',
        }),
        'write-ci-files': permissionRow(write, {
          ...writeTexts,
          granted:
            'The token can write to repositories. Data Center commits files through its REST API only with a personal token; project and repository tokens push over Git.',
        }),
      },
    },
    now,
  );
}

/** The report when the instance, the token or the project failed before any capability could be probed. */
function stoppedEarly(error: ScmError, serverVersion: string | undefined, projectKey: string | undefined) {
  const answered = serverVersion !== undefined || error.code === 'invalid_credentials';
  const reachable: Check = answered
    ? {
        status: 'ok',
        message: serverVersion
          ? `Bitbucket Data Center ${serverVersion} answered.`
          : 'The instance answered.',
      }
    : failed(error);
  const target: Check = answered && projectKey !== undefined ? failed(error) : blockedRow(error);
  return {
    reachable,
    ...(serverVersion === undefined ? {} : { serverVersion }),
    scopes: undefined,
    target,
    capabilities: capabilityRows({}, notCheckedRow(error.message)),
  };
}
