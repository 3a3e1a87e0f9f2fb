import type { ScmKindId } from '../core/scm-kinds.js';
import { ScmError } from './errors.js';
import type { ScmHttp, ScmHttpOptions } from './http/index.js';
import type { ScmIdentity, ScmOrganization, ScmProvider } from './provider.js';

/** What a provider needs to know about one connection; the token is decrypted only for the call at hand. */
export interface ConnectionSettings {
  readonly kind: ScmKindId;
  /**
   * The instance root the admin gave (self-managed kinds, normalized, no API path) or the configured cloud
   * endpoint (cloud kinds): the provider appends its API path (`/api/v4`, `/rest/api/1.0`, `/2.0`, `/_apis`).
   */
  readonly baseUrl: URL;
  /** The web root for links when it differs from `baseUrl` (Bitbucket Cloud: bitbucket.org vs api.bitbucket.org). */
  readonly webUrl?: URL;
  /** Group full path, workspace slug, project key or organization name, as the admin typed it. */
  readonly target: string;
  readonly token: string;
  /** Bitbucket Cloud with an Atlassian API token: the account email for Basic auth. */
  readonly email?: string;
  /** Custom CA bundle (PEM) for self-managed instances. */
  readonly caPem?: string;
}

/** The HTTP client factory the service hands to providers: the address policy and shared limits are bound. */
export type CreateScmHttp = (
  options: Pick<ScmHttpOptions, 'baseUrl' | 'caPem' | 'auth'> &
    Partial<Pick<ScmHttpOptions, 'maxResponseBytes' | 'retry' | 'hostPause'>>,
) => ScmHttp;

export interface ProviderDeps {
  readonly createHttp: CreateScmHttp;
  readonly now: () => Date;
}

/** What Connect learns before anything is stored: who the token is and which organization it reaches. */
export interface ValidatedConnection {
  readonly identity: ScmIdentity;
  /** The organization / top-level group / workspace / project the connection is for, with its stable id. */
  readonly organization: ScmOrganization;
  readonly serverVersion?: string;
}

/**
 * A provider that can also check a connection before it is saved. `validate` throws ScmError with a stable
 * `code` and a `fix` for anything that makes the connection unusable: `invalid_credentials` (bad, revoked or
 * expired token), `insufficient_scopes` (message names granted vs needed, e.g. "token has `read_api`; create
 * one with `api`"), `target_not_found` (group / workspace / project key / organization not visible),
 * `subgroup_not_allowed` (GitLab: names the top-level group to use), and the transport codes of the HTTP
 * layer (`ssrf_blocked`, `tls_verification_failed`, `upstream_unreachable`, `dns_resolution_failed`, …).
 */
export interface ConnectableProvider extends ScmProvider {
  validate(): Promise<ValidatedConnection>;
}

export type ProviderFactory = (settings: ConnectionSettings, deps: ProviderDeps) => ConnectableProvider;

/** What a factory throws when handed settings of a kind it does not serve. */
export const wrongKindError = (provider: string, kind: ScmKindId): ScmError =>
  new ScmError('invalid', `The ${provider} provider cannot serve a \`${kind}\` connection.`, {
    code: 'invalid_kind',
  });
