import type { SecretBox } from '../secrets/index.js';
import type { Db } from './database.js';
import type { IdentityProvider, SignInFlowPurpose } from './schema.js';
import { hashToken, issueToken } from '../core/tokens.js';

/** How long a redirect to an SCM or identity provider may take before its `state` is refused. */
export const signInFlowLifetimeMs = 10 * 60_000;

/** The cookie that binds a flow to the browser that started it. */
export const signInNonceCookie = 'scm_sign_in';

export interface SignInFlowStart {
  readonly purpose: SignInFlowPurpose;
  readonly provider: IdentityProvider;
  /** The GitHub App's row id, the GitLab OAuth application's id, the SSO provider's id. */
  readonly providerRef: string;
  /** Set for `link` and `test`: the signed-in person. */
  readonly userId?: string;
  readonly accountId?: string;
  /** Secrets the callback needs back (PKCE verifier, OIDC nonce): sealed at rest. */
  readonly secrets?: Readonly<Record<string, string>>;
  /** A path inside scm-connect (starting with one `/`) to land on afterwards. */
  readonly returnTo?: string;
  /** The `state` to use instead of a random one (a SAML request id); random when absent. */
  readonly state?: string;
}

export interface MintedSignInFlow {
  /** The `state` query parameter. */
  readonly state: string;
  /** The value of the {@link signInNonceCookie} to set with the redirect. */
  readonly nonce: string;
}

export interface ConsumedSignInFlow {
  readonly purpose: SignInFlowPurpose;
  readonly provider: IdentityProvider;
  readonly providerRef: string;
  readonly userId: string | null;
  readonly accountId: string | null;
  readonly secrets: Readonly<Record<string, string>>;
  readonly returnTo: string | null;
}

const aadOf = (stateHash: string) => `sign-in-flow:${stateHash}`;

/** Only a same-site path: `/x`, never `//host` or `/\host`, so a flow cannot send anyone elsewhere. */
export const safeReturnPath = (value: string | undefined | null): string | undefined =>
  value && /^\/(?![/\\])[\x21-\x7e]*$/.test(value) && value.length <= 500 ? value : undefined;

/** Starts a flow: only hashes of the `state` and nonce are stored, and its secrets sealed. */
export async function mintSignInFlow(
  db: Db,
  box: SecretBox,
  input: SignInFlowStart,
  now: Date,
): Promise<MintedSignInFlow> {
  const state = input.state ?? issueToken().value;
  const stateHash = hashToken(state);
  const nonce = issueToken();
  await db
    .insertInto('sign_in_flows')
    .values({
      state_hash: stateHash,
      purpose: input.purpose,
      provider: input.provider,
      provider_ref: input.providerRef,
      user_id: input.userId ?? null,
      account_id: input.accountId ?? null,
      nonce_hash: nonce.hash,
      sealed: input.secrets ? box.encrypt(JSON.stringify(input.secrets), aadOf(stateHash)) : null,
      return_to: safeReturnPath(input.returnTo) ?? null,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + signInFlowLifetimeMs).toISOString(),
    })
    .execute();
  return { state, nonce: nonce.value };
}

/**
 * Takes a `state` back, once: the row is deleted whatever the outcome. Undefined for a state that is unknown,
 * used, expired, of another provider, or whose nonce cookie is missing or another browser's.
 */
export async function consumeSignInFlow(
  db: Db,
  box: SecretBox,
  input: {
    readonly state: string | undefined;
    readonly provider: IdentityProvider | readonly IdentityProvider[];
    /** The nonce cookie's value; `unbound` for a SAML response, which arrives by a cross-site POST without cookies. */
    readonly nonce: string | undefined | 'unbound';
    readonly now: Date;
  },
): Promise<ConsumedSignInFlow | undefined> {
  if (!input.state || input.state.length > 300 || !input.nonce) return undefined;
  const stateHash = hashToken(input.state);
  const row = await db
    .deleteFrom('sign_in_flows')
    .where('state_hash', '=', stateHash)
    .returningAll()
    .executeTakeFirst();
  if (!row || row.expires_at <= input.now.toISOString()) return undefined;
  const providers: readonly IdentityProvider[] =
    typeof input.provider === 'string' ? [input.provider] : input.provider;
  if (!providers.includes(row.provider)) return undefined;
  if (input.nonce === 'unbound' ? row.provider !== 'saml' : hashToken(input.nonce) !== row.nonce_hash) {
    return undefined;
  }
  return {
    purpose: row.purpose,
    provider: row.provider,
    providerRef: row.provider_ref,
    userId: row.user_id,
    accountId: row.account_id,
    secrets: row.sealed
      ? (JSON.parse(box.decrypt(row.sealed, aadOf(stateHash))) as Record<string, string>)
      : {},
    returnTo: row.return_to,
  };
}

/** Housekeeping: flows nobody came back from. */
export const deleteExpiredSignInFlows = (db: Db, now: Date) =>
  db.deleteFrom('sign_in_flows').where('expires_at', '<=', now.toISOString()).execute();
