import { ScmError } from '../errors.js';
import type { GitHubClient } from './app-clients.js';
import { integerIdPattern, type GitHubAccountRef } from './app-credentials.js';
import { callGitHub, statusOf } from './request-errors.js';
import { accountRef, idOf, installationSchema, parseGitHub, userSchema } from './schemas.js';
import { z } from 'zod';

/*
 * What the install flow asks GitHub before it links an installation to a connection: who signed in, which
 * installations of the app they can see, their role in an organization, and the installation itself.
 */

export interface GitHubInstallationSummary {
  readonly installationId: string;
  readonly appId: string;
  readonly account: GitHubAccountRef;
}

export interface GitHubInstallationDetails extends GitHubInstallationSummary {
  readonly repositorySelection: 'all' | 'selected';
  /** ISO 8601, or null while the installation is not suspended. */
  readonly suspendedAt: string | null;
  readonly permissions: Record<string, string>;
  readonly events: string[];
}

/** The person a user access token belongs to (`GET /user`). */
export async function currentUser(user: GitHubClient): Promise<{ id: string; login: string }> {
  // GET /user
  const answer = await callGitHub('read the signed-in user', () => user.request('GET /user'));
  const data = parseGitHub(userSchema, answer.data, 'user');
  return { id: idOf(data.id, 'user'), login: data.login };
}

function summaryOf(value: unknown): GitHubInstallationSummary {
  const installation = parseGitHub(installationSchema, value, 'installation');
  if (!installation.account) {
    throw new ScmError('invalid', 'GitHub answered with an installation without an account.', {
      code: 'upstream_invalid_response',
    });
  }
  return {
    installationId: idOf(installation.id, 'installation'),
    appId: idOf(installation.app_id, 'app'),
    account: accountRef(installation.account),
  };
}

/** The app's installations the signed-in person can see (`GET /user/installations`, 100 a page), lazily. */
export async function* userInstallations(user: GitHubClient): AsyncGenerator<GitHubInstallationSummary> {
  // GET /user/installations
  const pages = user.paginate.iterator('GET /user/installations', { per_page: 100 });
  const iterator = pages[Symbol.asyncIterator]();
  for (;;) {
    const page = await callGitHub('list the installations of the signed-in user', () => iterator.next());
    if (page.done) return;
    for (const installation of page.value.data) yield summaryOf(installation);
  }
}

const membershipSchema = z.object({ state: z.string(), role: z.string() });

/**
 * The signed-in person's role in `orgLogin` (`GET /user/memberships/orgs/{org}`): only an `active` membership
 * counts; none (404) or a refusal (403) is `undefined`.
 */
export async function organizationRole(
  user: GitHubClient,
  orgLogin: string,
): Promise<'admin' | 'member' | undefined> {
  let data: unknown;
  try {
    // GET /user/memberships/orgs/{org}
    data = (await user.request('GET /user/memberships/orgs/{org}', { org: orgLogin })).data;
  } catch (error) {
    const status = statusOf(error);
    if (status === 404 || status === 403) return undefined;
    return callGitHub('read the organization membership', () => Promise.reject(error));
  }
  const membership = parseGitHub(membershipSchema, data, 'organization membership');
  if (membership.state !== 'active') return undefined;
  return membership.role === 'admin' ? 'admin' : membership.role === 'member' ? 'member' : undefined;
}

/** One installation of the app, read with the app's JWT (`GET /app/installations/{id}`). */
export async function readInstallation(
  app: GitHubClient,
  installationId: string,
): Promise<GitHubInstallationDetails> {
  if (!integerIdPattern.test(installationId)) {
    throw new ScmError('invalid', 'The GitHub installation id is not a positive integer.', {
      code: 'invalid_installation_id',
    });
  }
  let data: unknown;
  try {
    // GET /app/installations/{installation_id}
    data = (await app.request(`GET /app/installations/${installationId}`)).data;
  } catch (error) {
    if (statusOf(error) === 404) {
      throw new ScmError('not-found', `The GitHub App is not installed as installation ${installationId}.`, {
        code: 'installation_not_found',
        status: 404,
        fix: 'Install the app on the organization again, then reconnect.',
      });
    }
    return callGitHub('read the installation', () => Promise.reject(error));
  }
  const installation = parseGitHub(installationSchema, data, 'installation');
  return {
    ...summaryOf(data),
    repositorySelection: installation.repository_selection,
    suspendedAt: installation.suspended_at ?? null,
    permissions: { ...installation.permissions },
    events: [...installation.events],
  };
}
