import type { ServiceContext } from '../context.js';
import { forbidden, notFound } from '../core/errors.js';
import { recordAudit } from '../db/audit.js';
import type { SignInFlowPurpose } from '../db/schema.js';
import { mintSignInFlow } from '../db/sign-in-flows.js';
import { isFreshSession } from '../db/sessions.js';
import { findSsoProvider, markSsoTested, updateSsoSettings } from '../db/sso-providers.js';
import { findLoadedProvider, type LoadedProvider } from './loaded-provider.js';
import { newOidcFlowSecrets, oidcAuthorizationUrl } from './oidc-flow.js';
import { checkPerson, type SsoPerson } from './person.js';
import { linkSsoIdentity, provisionSsoUser } from './provision.js';
import { refuse, SsoRefusal, type SsoRefusalReason } from './refusal.js';
import { newSamlRequestId, samlAuthorizeUrl } from './saml-flow.js';
import type { LastTest } from './settings.js';
import { oidcRedirectUrl, samlSpUrls } from './urls.js';

/** Linking a sign-in method needs a sign-in this recent. */
export const linkFreshnessMs = 10 * 60_000;

/** What a round trip ended in; the browser routes turn it into a redirect (and a session). */
export type SsoOutcome =
  | {
      readonly kind: 'signed-in' | 'linked';
      readonly userId: string;
      readonly accountId: string;
      readonly providerId: string;
      readonly method: 'oidc' | 'saml';
      readonly returnTo: string | null;
    }
  | { readonly kind: 'tested' }
  /** SAML linking: the browser comes back by a same-site GET, where its session says who links. */
  | { readonly kind: 'confirm'; readonly path: string }
  | {
      readonly kind: 'refused';
      readonly purpose: SignInFlowPurpose | null;
      readonly reason: SsoRefusalReason;
    };

export interface SsoStart {
  readonly providerId: string;
  readonly purpose: SignInFlowPurpose;
  readonly returnTo: string | undefined;
  /** The public origin the callbacks are reached on. */
  readonly origin: string;
  /** The signed-in browser, needed for `test` and `link`. */
  readonly session: { readonly userId: string; readonly sessionHash: string } | undefined;
  readonly now: Date;
}

/** Where to send the browser; `nonce` is the cookie that binds an OpenID Connect flow to it. */
export interface SsoRedirect {
  readonly url: string;
  readonly nonce: string | undefined;
}

/**
 * Starts a round trip: a sign-in needs an active provider; a Test sign-in an admin of the provider's account
 * (any status); a link a member whose sign-in is recent. OpenID Connect: code + PKCE + state + nonce; SAML: an
 * AuthnRequest by HTTP-Redirect whose id is the flow's key, also sent as RelayState.
 */
export async function startSso(ctx: ServiceContext, input: SsoStart): Promise<SsoRedirect> {
  const provider = await findLoadedProvider(ctx, input.providerId);
  if (!provider) throw notFound('single sign-on provider');
  const accountId = provider.row.account_id;
  if (input.purpose === 'sign-in') {
    if (provider.row.status !== 'active') throw notFound('single sign-on provider');
  } else {
    if (!input.session) throw refuse('reauth_required', 'Sign in first.');
    const role = await ctx.queries.findRole(accountId, input.session.userId);
    if (!role) throw notFound('single sign-on provider');
    if (input.purpose === 'test' && role !== 'admin') {
      throw forbidden('Only an admin of this account can test its single sign-on.');
    }
    if (input.purpose === 'link') {
      if (provider.row.status !== 'active') throw notFound('single sign-on provider');
      if (!(await isFreshSession(ctx.db, input.session.sessionHash, linkFreshnessMs, input.now))) {
        throw refuse('reauth_required', 'Linking a sign-in method needs a recent sign-in.');
      }
    }
  }
  const base = {
    purpose: input.purpose,
    provider: provider.protocol,
    providerRef: provider.row.id,
    accountId,
    ...(input.session && input.purpose !== 'sign-in' ? { userId: input.session.userId } : {}),
    ...(input.returnTo ? { returnTo: input.returnTo } : {}),
  };
  const version = provider.row.updated_at;
  if (provider.protocol === 'oidc') {
    const secrets = newOidcFlowSecrets();
    const flow = await mintSignInFlow(
      ctx.db,
      ctx.secrets,
      { ...base, secrets: { ...secrets, version } },
      input.now,
    );
    const url = await oidcAuthorizationUrl(provider.settings, {
      redirectUri: oidcRedirectUrl(input.origin),
      state: flow.state,
      secrets,
      allowHttp: ctx.config.allowHttp,
    });
    return { url, nonce: flow.nonce };
  }
  const requestId = newSamlRequestId();
  await mintSignInFlow(ctx.db, ctx.secrets, { ...base, state: requestId, secrets: { version } }, input.now);
  const urls = samlSpUrls(input.origin, provider.row.id);
  return { url: await samlAuthorizeUrl(provider.settings, urls, requestId, requestId), nonce: undefined };
}

/** What a finished round trip brings back, besides the person. */
export interface VerifiedRoundTrip {
  readonly purpose: SignInFlowPurpose;
  readonly userId: string | null;
  readonly returnTo: string | null;
  /** The provider's `updated_at` when a Test sign-in began. */
  readonly version: string | undefined;
  /** Who the browser that came back is signed in as: a link must end in the browser of the person who began it. */
  readonly browserUserId?: string | undefined;
}

/**
 * Applies a verified person: checks their email, then records the test, signs them in (just-in-time
 * provisioning into the provider's account) or links the identity to the person who started the link.
 */
export async function completeSso(
  ctx: ServiceContext,
  provider: LoadedProvider,
  trip: VerifiedRoundTrip,
  person: SsoPerson,
): Promise<SsoOutcome> {
  checkPerson(person, provider.settings.allowedDomains);
  const common = {
    accountId: provider.row.account_id,
    providerId: provider.row.id,
    method: provider.protocol,
  };
  switch (trip.purpose) {
    case 'test': {
      const result = { ok: true, reason: null, message: `Signed in as ${person.email}.` };
      if (await recordTest(ctx, provider, trip, result)) return { kind: 'tested' };
      return { kind: 'refused', purpose: 'test', reason: 'flow_expired' };
    }
    case 'sign-in': {
      if (provider.row.status !== 'active')
        throw refuse('flow_expired', 'The provider is not active any more.');
      const userId = await provisionSsoUser(ctx, provider.provisioning, person);
      return { kind: 'signed-in', userId, returnTo: trip.returnTo, ...common };
    }
    case 'link': {
      if (!trip.userId || trip.browserUserId !== trip.userId) {
        throw refuse('flow_expired', 'The link must end in the browser of the person who started it.');
      }
      await linkSsoIdentity(ctx, provider.provisioning, trip.userId, person);
      return { kind: 'linked', userId: trip.userId, returnTo: trip.returnTo, ...common };
    }
  }
}

/** A refusal as an outcome; a refused Test sign-in is recorded on the provider so Settings can say why. */
export async function refusedOutcome(
  ctx: ServiceContext,
  provider: LoadedProvider | undefined,
  trip: Pick<VerifiedRoundTrip, 'purpose' | 'version' | 'userId'> | undefined,
  error: unknown,
): Promise<SsoOutcome> {
  if (!(error instanceof SsoRefusal)) throw error;
  if (provider && trip?.purpose === 'test') {
    await recordTest(ctx, provider, trip, { ok: false, reason: error.reason, message: error.message });
  }
  ctx.logger.info(
    { providerId: provider?.row.id, purpose: trip?.purpose, reason: error.reason },
    'single sign-on refused',
  );
  return { kind: 'refused', purpose: trip?.purpose ?? null, reason: error.reason };
}

/**
 * Records a Test sign-in's outcome; true when a success was recorded. A success moves draft to tested, only if
 * the provider was not changed while the test ran (else it vouches for nothing and counts as failed).
 */
async function recordTest(
  ctx: ServiceContext,
  provider: LoadedProvider,
  trip: Pick<VerifiedRoundTrip, 'version' | 'userId'>,
  result: Omit<LastTest, 'at'>,
): Promise<boolean> {
  const at = new Date().toISOString();
  const current = await findSsoProvider(ctx.db, provider.row.id);
  if (!current) return false;
  const settingsWith = (lastTest: LastTest) =>
    JSON.stringify({ ...(JSON.parse(current.settings) as object), lastTest });
  let lastTest: LastTest = { ...result, at };
  if (result.ok) {
    const marked =
      trip.version !== undefined &&
      (await markSsoTested(ctx.db, {
        providerId: current.id,
        updatedAt: trip.version,
        status: current.status,
        settings: settingsWith(lastTest),
        at,
      }));
    if (marked) {
      await recordAudit(ctx.db, {
        accountId: current.account_id,
        actorUserId: trip.userId,
        action: 'sso.provider_tested',
        target: current.id,
      });
      return true;
    }
    lastTest = {
      ok: false,
      reason: 'flow_expired',
      message: 'The provider’s settings changed while the test ran: test again.',
      at,
    };
  }
  await updateSsoSettings(ctx.db, current.id, settingsWith(lastTest));
  return false;
}
