import { missingScopes, type ScopeReport } from '../test-report.js';
import { neededAppPermissions } from './app-credentials.js';
import type { GitHubAppInfo } from './app-info.js';
import { installationSettingsUrl, type GitHubContext } from './provider-context.js';

/*
 * App permissions as a scope report: each permission written `name:level`. A higher level holds the lower ones
 * (`write` grants `read`), so granted lists them too and `missing` is a plain set difference.
 */

const levels = ['read', 'write', 'admin'] as const;

/** `name:level` for every level a granted permission holds (`contents: write` → `contents:read`, `contents:write`). */
export function grantedPermissions(permissions: Readonly<Record<string, string | undefined>>): string[] {
  const granted: string[] = [];
  for (const [name, level] of Object.entries(permissions)) {
    const rank = levels.indexOf(level as (typeof levels)[number]);
    for (let i = 0; i <= rank; i++) granted.push(`${name}:${levels[i]}`);
  }
  return granted.sort();
}

export const neededPermissions: readonly string[] = Object.entries(neededAppPermissions).map(
  ([name, level]) => `${name}:${level}`,
);

export function permissionReport(installationPermissions: Readonly<Record<string, string>>): ScopeReport {
  const granted = grantedPermissions(installationPermissions);
  return { granted, needed: [...neededPermissions], missing: missingScopes(granted, neededPermissions) };
}

const spelled = (permission: string) => `\`${permission.replace(':', ': ')}\``;

/** "`members: read` and `secrets: write`". */
export const listPermissions = (permissions: readonly string[]): string =>
  permissions.length <= 1
    ? permissions.map(spelled).join('')
    : `${permissions.slice(0, -1).map(spelled).join(', ')} and ${spelled(permissions.at(-1)!)}`;

/**
 * What to do about permissions the installation lacks. When the app requests them, an owner of the account
 * accepts them on the installation; when the app does not, the app's owner adds them to the app first.
 */
export function permissionFix(
  context: GitHubContext,
  missing: readonly string[],
  app: Pick<GitHubAppInfo, 'permissions' | 'owner'> | undefined,
): string {
  const { account } = context.installation;
  const where = account.type === 'Organization' ? "the organization's" : "the account's";
  const accept = `accept the new permissions in ${where} installed-app settings at ${installationSettingsUrl(context)}`;
  const requested = new Set(grantedPermissions(app?.permissions ?? {}));
  const notRequested = app?.permissions === undefined ? [] : missing.filter((p) => !requested.has(p));
  if (notRequested.length === 0) return `An owner of \`${account.login}\` must ${accept}.`;
  return `Add ${listPermissions(notRequested)} to the GitHub App's permissions at ${appSettingsUrl(context, app?.owner)}, then ${accept}.`;
}

/** The app's own settings page (its permissions, events and webhook), owned by an organization or a user. */
export function appSettingsUrl(
  context: GitHubContext,
  owner: { readonly login: string; readonly type: string } | undefined,
): string {
  const slug = context.clients.credentials.slug;
  return owner?.type === 'Organization'
    ? `${context.webRoot}/organizations/${owner.login}/settings/apps/${slug}`
    : `${context.webRoot}/settings/apps/${slug}`;
}
