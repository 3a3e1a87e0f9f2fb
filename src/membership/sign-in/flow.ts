import type { ServiceContext } from '../../context.js';
import { consumeSignInFlow, mintSignInFlow, type ConsumedSignInFlow } from '../../db/sign-in-flows.js';
import { isScmError } from '../../scm/errors.js';
import type { ScmSignInIdentity } from './identity.js';
import { createPkce } from './pkce.js';
import { flowExpired, SignInRefusal } from './refusal.js';

/** What a sign-in redirect is for: signing in, or linking the method to the signed-in person. */
export type SignInPurpose = 'sign-in' | 'link';

export interface SignInStart {
  readonly purpose: SignInPurpose;
  /** The signed-in person, for `link`. */
  readonly userId?: string;
  /** A path of scm-connect to land on after signing in. */
  readonly returnTo?: string;
  /** The public origin the callback is reached on. */
  readonly origin: string;
}

/** Where to send the browser, and the nonce cookie that binds the flow to it. */
export interface SignInRedirect {
  readonly url: string;
  readonly nonce: string;
}

/** The query of a redirect back from the SCM; a part of an unexpected form is left out. */
export interface CallbackQuery {
  readonly code?: string;
  readonly state?: string;
  /** The OAuth `error` (`access_denied` when the person cancelled). */
  readonly error?: string;
}

/** The redirect back from the SCM, with the nonce cookie the browser sent along. */
export interface SignInCallback {
  readonly query: CallbackQuery;
  readonly nonce: string | undefined;
  /** The public origin the callback was reached on. */
  readonly origin: string;
}

export interface FinishedSignIn {
  readonly flow: ConsumedSignInFlow;
  readonly identity: ScmSignInIdentity;
}

/** The SCM's OAuth authorize page a sign-in goes to: what differs between GitHub and GitLab. */
export interface AuthorizePage {
  readonly provider: 'github' | 'gitlab';
  /** The GitHub App's row id, the GitLab OAuth application's id: the callback checks the flow is its own. */
  readonly providerRef: string;
  /** The authorize endpoint (`{web}/login/oauth/authorize`, `{web}/oauth/authorize`). */
  readonly endpoint: string;
  /** Its query but for `state` and the PKCE challenge: `client_id`, `redirect_uri`, what else the SCM takes. */
  readonly params: Readonly<Record<string, string>>;
}

/** Starts a sign-in at the SCM's authorize page, with a single-use `state` and a PKCE (S256) challenge. */
export async function startScmSignIn(
  ctx: ServiceContext,
  input: SignInStart,
  page: AuthorizePage,
): Promise<SignInRedirect> {
  const pkce = createPkce();
  const minted = await mintSignInFlow(
    ctx.db,
    ctx.secrets,
    {
      purpose: input.purpose,
      provider: page.provider,
      providerRef: page.providerRef,
      ...(input.userId ? { userId: input.userId } : {}),
      ...(input.returnTo ? { returnTo: input.returnTo } : {}),
      secrets: { codeVerifier: pkce.verifier },
    },
    new Date(),
  );
  const url = new URL(page.endpoint);
  url.search = new URLSearchParams({
    ...page.params,
    state: minted.state,
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
  }).toString();
  return { url: url.href, nonce: minted.nonce };
}

/**
 * Ends a sign-in at the SCM's redirect back: the flow is taken once (it must be this browser's), a cancelled or
 * code-less authorization is refused, and `readIdentity` exchanges the code (with the flow's PKCE verifier) and
 * reads the person.
 */
export async function finishScmSignIn(
  ctx: ServiceContext,
  provider: 'github' | 'gitlab',
  callback: SignInCallback,
  readIdentity: (flow: ConsumedSignInFlow, code: string) => Promise<ScmSignInIdentity>,
): Promise<FinishedSignIn> {
  const { query } = callback;
  const flow = await consumeSignInFlow(ctx.db, ctx.secrets, {
    state: query.state,
    provider,
    nonce: callback.nonce,
    now: new Date(),
  });
  if (query.error) throw providerRefused(provider);
  if (!flow) throw flowExpired();
  if (!query.code) throw providerRefused(provider);
  return { flow, identity: await readIdentity(flow, query.code) };
}

const patterns = {
  code: /^[A-Za-z0-9._~-]{1,512}$/,
  state: /^[A-Za-z0-9_-]{1,300}$/,
  error: /^[a-z_]{1,100}$/,
} as const;

export function parseCallbackQuery(query: unknown): CallbackQuery {
  const values = typeof query === 'object' && query !== null ? (query as Record<string, unknown>) : {};
  const parsed: Record<string, string> = {};
  for (const [name, pattern] of Object.entries(patterns)) {
    const value = values[name];
    if (typeof value === 'string' && pattern.test(value)) parsed[name] = value;
  }
  return parsed;
}

export const providerRefused = (provider: 'github' | 'gitlab') =>
  new SignInRefusal(
    'provider_refused',
    `${provider === 'github' ? 'GitHub' : 'GitLab'} did not sign you in: the authorization was cancelled or refused.`,
  );

/**
 * Runs the calls to the SCM of a callback (code exchange, current user): an ScmError becomes `provider_refused`
 * (or the refusal `refusals` names for its code), logged with its kind and code only, never the code, token or
 * upstream body.
 */
export async function scmRoundTrip<T>(
  ctx: ServiceContext,
  provider: 'github' | 'gitlab',
  call: () => Promise<T>,
  refusals: Readonly<Record<string, () => SignInRefusal>> = {},
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!isScmError(error)) throw error;
    const refusal = refusals[error.code];
    if (refusal) throw refusal();
    ctx.logger.warn(
      { provider, kind: error.kind, code: error.code, status: error.status },
      'sign-in: the SCM refused or could not be reached',
    );
    throw providerRefused(provider);
  }
}
