/**
 * What scm-connect holds of one GitHub App (the instance's app on github.com, or an account's app on a GitHub
 * Enterprise Server): public facts and, decrypted only for the call at hand, its secrets. Ids are integer
 * strings, never numbers.
 */
export interface GitHubAppCredentials {
  /** https://github.com, or the Enterprise Server's root. */
  readonly webUrl: URL;
  /** https://api.github.com, or `{root}/api/v3`. */
  readonly apiUrl: URL;
  readonly appId: string;
  readonly slug: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** PEM (PKCS#1 or PKCS#8). */
  readonly privateKey: string;
  readonly webhookSecret: string;
  /** Custom CA bundle of an Enterprise Server. */
  readonly caPem?: string;
}

/** The organization or user account an installation is on. */
export interface GitHubAccountRef {
  readonly id: string;
  readonly login: string;
  readonly type: 'Organization' | 'User';
}

/** One installation of the app, as a connection links it. */
export interface GitHubInstallationRef {
  readonly installationId: string;
  readonly account: GitHubAccountRef;
}

/**
 * The permissions and webhook events scm-connect needs of its app: contents and pull requests (comments, CI
 * files), members (membership), workflows and secrets (bulk CI), checks, metadata.
 */
export const neededAppPermissions: Readonly<Record<string, 'read' | 'write'>> = {
  contents: 'write',
  pull_requests: 'write',
  members: 'read',
  workflows: 'write',
  checks: 'write',
  secrets: 'write',
  metadata: 'read',
};

/**
 * The events the app subscribes to (`default_events`). `installation` and `installation_repositories` are sent
 * to every app without a subscription, so they are not listed.
 */
export const neededAppEvents: readonly string[] = [
  'pull_request',
  'pull_request_review_comment',
  'issue_comment',
  'push',
  'member',
  'membership',
  'organization',
  'repository',
];

/** `123`: a positive integer of at most 19 digits, as a string; no sign, no exponent, no leading zero. */
export const integerIdPattern = /^[1-9][0-9]{0,18}$/;

/**
 * A numeric id GitHub sent, as an integer string: a JSON number is taken only while it is a safe integer (a
 * larger one has already lost digits), a bigint (Octokit parses integers past 2^53 as one) and a string only
 * when they are positive integers of at most 19 digits.
 */
export function integerId(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? String(value) : undefined;
  if (typeof value === 'bigint')
    return integerIdPattern.test(value.toString()) ? value.toString() : undefined;
  if (typeof value === 'string') return integerIdPattern.test(value) ? value : undefined;
  return undefined;
}
