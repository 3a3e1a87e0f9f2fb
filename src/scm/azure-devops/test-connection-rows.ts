import type { Check } from '../test-report.js';
import type { ScopeProbe } from './client.js';
import { describeScopes, neededScopes, patFix, type AdoContext } from './connection-checks.js';

/** What reading Project Collection Administrators through the Graph found. */
export type AdminsFinding =
  /** `isAdmin` is undefined when connectionData gave no subject descriptor to look the PAT's user up by. */
  | { readonly kind: 'read'; readonly isAdmin: boolean | undefined }
  /** The Graph refused the token: it lacks `vso.graph`. */
  | { readonly kind: 'refused' }
  | { readonly kind: 'unknown' };

const scopeNamed = (scope: string) => `\`${scope}\` (${describeScopes([scope])})`;
const permissionsPage = (ctx: AdoContext) =>
  `Organization settings > Permissions > Project Collection Administrators in ${ctx.organization}`;

/** A row that only needs `scope`: ok, a warning naming the missing scope, or "could not check". */
export function scopeRow(ctx: AdoContext, probe: ScopeProbe, scope: string, granted: string): Check {
  if (probe === 'granted') return { status: 'ok', message: granted };
  const message =
    probe === 'denied'
      ? `The token lacks ${scopeNamed(scope)}.`
      : `Could not check whether the token has \`${scope}\`: Azure DevOps did not answer the probe.`;
  return { status: 'warn', message, fix: patFix(ctx, [...neededScopes, scope]) };
}

/** Listing needs the projects list (`vso.project` or `vso.profile`, carried by `vso.code`) and repositories. */
export function listingRow(ctx: AdoContext, code: ScopeProbe, project: ScopeProbe): Check {
  if (code === 'granted' && project === 'granted') {
    return { status: 'ok', message: 'The token can list projects and read their repositories.' };
  }
  if (code === 'denied') {
    return {
      status: 'fail',
      message: `The token cannot list repositories: it lacks ${scopeNamed('vso.code')}.`,
      fix: patFix(ctx, neededScopes),
    };
  }
  if (project === 'denied') {
    return {
      status: 'fail',
      message: `The token reads code but Azure DevOps refused to list projects, which takes ${scopeNamed('vso.project')} or ${scopeNamed('vso.profile')}.`,
      fix: patFix(ctx, [...neededScopes, 'vso.project']),
    };
  }
  return {
    status: 'warn',
    message:
      'Could not check whether the token can list repositories: Azure DevOps did not answer the probes.',
    fix: 'Test the connection again in a few minutes.',
  };
}

/** Members are the user entitlements (`vso.memberentitlementmanagement`); who is admin comes from the Graph. */
export function membersRow(ctx: AdoContext, members: ScopeProbe, admins: AdminsFinding): Check {
  const fix = patFix(ctx, [...neededScopes, 'vso.memberentitlementmanagement', 'vso.graph']);
  if (members !== 'granted') return scopeRow(ctx, members, 'vso.memberentitlementmanagement', '');
  if (admins.kind === 'read') {
    return {
      status: 'ok',
      message:
        'The token can read the users of the organization and who is a Project Collection Administrator.',
    };
  }
  if (admins.kind === 'refused') {
    return {
      status: 'warn',
      message: `The token can read the users but not who administers the organization: Project Collection Administrators is read through the Graph, which takes ${scopeNamed('vso.graph')}.`,
      fix,
    };
  }
  return {
    status: 'warn',
    message: 'Could not read Project Collection Administrators: Azure DevOps did not answer.',
    fix: 'Test the connection again in a few minutes.',
  };
}

/**
 * Service hook subscriptions take `vso.code`, `vso.work` or `vso.build` (the `vso.hooks` scopes are no longer
 * public), so the scope side is `vso.code`; creating one also needs the Edit subscriptions permission, which
 * Project Collection Administrators have. No call shows that permission without creating a subscription, so
 * anyone else is "not verified", never "ok".
 */
export function webhooksRow(ctx: AdoContext, login: string, code: ScopeProbe, admins: AdminsFinding): Check {
  if (code !== 'granted') {
    return {
      ...scopeRow(ctx, code, 'vso.code', ''),
      message:
        code === 'denied'
          ? `The token lacks ${scopeNamed('vso.code')}, which service hook subscriptions take.`
          : 'Could not check whether the token may manage service hook subscriptions: Azure DevOps did not answer the probe.',
    };
  }
  if (admins.kind === 'read' && admins.isAdmin) {
    return {
      status: 'ok',
      message: `The token may manage service hook subscriptions: Code (Read) covers them and ${login} is a Project Collection Administrator.`,
    };
  }
  if (admins.kind === 'read' && admins.isAdmin === undefined) {
    return {
      status: 'warn',
      message: `Not verified: Azure DevOps did not give ${login}'s Graph descriptor, so membership of Project Collection Administrators (needed to create service hook subscriptions) cannot be looked up.`,
      fix: `Check that ${login} is listed under ${permissionsPage(ctx)}.`,
    };
  }
  if (admins.kind === 'read') {
    return {
      status: 'warn',
      message: `Not verified: ${login} is not a Project Collection Administrator, and creating service hook subscriptions needs the Edit subscriptions permission that group has.`,
      fix: `Add ${login} to ${permissionsPage(ctx)}, or have an administrator grant ${login} Edit subscriptions in the ServiceHooks security namespace, then test again.`,
    };
  }
  if (admins.kind === 'unknown') {
    return {
      status: 'warn',
      message: `Not verified: Azure DevOps did not answer when Project Collection Administrators was read, so whether ${login} may create service hook subscriptions is unknown.`,
      fix: 'Test the connection again in a few minutes.',
    };
  }
  return {
    status: 'warn',
    message: `Not verified: whether ${login} may create service hook subscriptions (as a Project Collection Administrator) cannot be read without ${scopeNamed('vso.graph')}.`,
    fix: `${patFix(ctx, [...neededScopes, 'vso.graph'])} Or check that ${login} is listed under ${permissionsPage(ctx)}.`,
  };
}
