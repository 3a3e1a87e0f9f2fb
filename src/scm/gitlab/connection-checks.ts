import type { ScmKindId } from '../../core/scm-kinds.js';
import { ScmError } from '../errors.js';
import { missingScopes, type ScmIdentity, type ScmOrganization, type ScopeReport } from '../provider.js';
import type { GitLabClient } from './client.js';
import type { GitLabGroup, GitLabRefusal, GitLabTokenSelf } from './schemas.js';

/** What validation, the report and listing share for one connection. */
export interface GitLabContext {
  readonly kind: ScmKindId;
  readonly client: GitLabClient;
  /** The group path as the admin typed it. */
  readonly target: string;
  /** Instance host, for messages. */
  readonly host: string;
  readonly now: () => Date;
}

/** Scopes a GitLab connection needs: `api` (read the group, comment on merge requests, add CI files). */
export const neededScopes = ['api'] as const;

const newTokenFix = 'Create a personal or group access token with the `api` scope and update the connection.';

/** What `GET /personal_access_tokens/self` told about the token. */
export type TokenFinding =
  | { readonly state: 'described'; readonly token: GitLabTokenSelf }
  /** GitLab < 15.5, or a token kind that cannot describe itself: scopes and expiry unknown. */
  | { readonly state: 'undescribed' };

/** Reads the token's own description; rejects with `auth` / `invalid_credentials` when GitLab refuses it. */
export async function describeToken(client: GitLabClient): Promise<TokenFinding> {
  const answer = await client.tokenSelf();
  if (answer.ok) {
    if (answer.data.revoked === true || answer.data.active === false) throw tokenRefused({}, 401);
    return { state: 'described', token: answer.data };
  }
  if (answer.status === 401) throw tokenRefused(answer.refusal, 401);
  return { state: 'undescribed' };
}

/** The refusal of a bad, revoked or expired token, told apart when GitLab says which. */
export function tokenRefused(refusal: GitLabRefusal, status: number): ScmError {
  const said = refusal.error_description ?? '';
  const message = /expired/i.test(said)
    ? 'GitLab refused the token: it has expired.'
    : /revoked/i.test(said)
      ? 'GitLab refused the token: it was revoked.'
      : 'GitLab refused the token: it is not valid (wrong, revoked or expired).';
  return new ScmError('auth', message, { code: 'invalid_credentials', status, fix: newTokenFix });
}

export function scopeReport(granted: readonly string[]): ScopeReport {
  return { granted: [...granted], needed: [...neededScopes], missing: missingScopes(granted, neededScopes) };
}

const quoted = (names: readonly string[]) => names.map((name) => `\`${name}\``).join(', ');

/** "token has `read_api`; create one with `api`". */
export function insufficientScopes(granted: readonly string[], status?: number): ScmError {
  const has = granted.length === 0 ? 'The token has no scopes' : `The token has ${quoted(granted)}`;
  return new ScmError('forbidden', `${has}; GitLab connections need ${quoted(neededScopes)}.`, {
    code: 'insufficient_scopes',
    ...(status === undefined ? {} : { status }),
    fix: newTokenFix,
  });
}

/** The account the token acts as (`GET /user`); a refusal becomes the matching ScmError. */
export async function findIdentity(client: GitLabClient): Promise<ScmIdentity> {
  const answer = await client.currentUser();
  if (answer.ok) {
    const { id, username, name } = answer.data;
    return { id, login: username, ...(name ? { name } : {}) };
  }
  throw refusalError(answer.status, answer.refusal, 'read the user it acts as');
}

/** A 401 / 403 as `invalid_credentials` / `insufficient_scopes`, naming the scope GitLab asked for. */
function refusalError(status: number, refusal: GitLabRefusal, what: string): ScmError {
  if (status === 401) return tokenRefused(refusal, status);
  const asked = refusal.scope ? ` (GitLab asked for ${quoted(refusal.scope.split(/\s+/))})` : '';
  return new ScmError(
    'forbidden',
    `The token may not ${what}${asked}; GitLab connections need ${quoted(neededScopes)}.`,
    { code: 'insufficient_scopes', status, fix: newTokenFix },
  );
}

const segment = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** The group path the admin typed, trimmed of spaces and slashes; refuses what cannot be a GitLab path. */
export function groupPathOf(target: string): string {
  const path = target.trim().replace(/^\/+|\/+$/g, '');
  if (path === '' || !path.split('/').every((part) => segment.test(part) && !/^\.+$/.test(part))) {
    throw new ScmError('invalid', `\`${target.trim().slice(0, 100)}\` is not a GitLab group path.`, {
      code: 'invalid_target',
      fix: 'Enter the group path as it appears in the group URL, e.g. `acme` for https://gitlab.com/acme.',
    });
  }
  return path;
}

/**
 * The connection's top-level group. Rejects with `not-found` / `target_not_found` when the token cannot see
 * it, and `invalid` / `subgroup_not_allowed` (naming the top-level group) for a subgroup.
 */
export async function resolveGroup(context: GitLabContext, login?: string): Promise<GitLabGroup> {
  const path = groupPathOf(context.target);
  const answer = await context.client.group(path);
  if (!answer.ok && answer.status !== 404) throw refusalError(answer.status, answer.refusal, 'read groups');
  if (!answer.ok) {
    const who = login === undefined ? 'the token' : `the token's user \`${login}\``;
    throw new ScmError(
      'not-found',
      `GitLab group \`${path}\` was not found on ${context.host}, or ${who} cannot see it.`,
      {
        code: 'target_not_found',
        status: 404,
        fix: `Check the group path as it appears in the group URL, and that ${login === undefined ? 'the token' : `\`${login}\``} is a member of the group.`,
      },
    );
  }
  const group = answer.data;
  if (group.parent_id !== null && group.parent_id !== undefined) {
    const topLevel = group.full_path.split('/')[0] ?? group.full_path;
    throw new ScmError(
      'invalid',
      `\`${group.full_path}\` is a subgroup. Connect its top-level group \`${topLevel}\` instead: its subgroups are included.`,
      { code: 'subgroup_not_allowed', fix: `Enter \`${topLevel}\` as the group.` },
    );
  }
  return group;
}

export function toOrganization(group: GitLabGroup): ScmOrganization {
  return { externalId: group.id, name: group.full_path, displayName: group.name, webUrl: group.web_url };
}

/** A `YYYY-MM-DD` expiry as the instant GitLab stops accepting the token (the start of that day, UTC). */
export const expiryInstant = (date: string): string =>
  /^\d{4}-\d{2}-\d{2}$/.test(date) ? `${date}T00:00:00Z` : date;
