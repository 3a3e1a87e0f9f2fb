import type { ServiceContext } from '../context.js';
import { consumeSignInFlow } from '../db/sign-in-flows.js';
import { clientSecretOf, findLoadedProvider, type LoadedProvider } from './loaded-provider.js';
import { finishOidc } from './oidc-flow.js';
import { refuse } from './refusal.js';
import { completeSso, refusedOutcome, type SsoOutcome, type VerifiedRoundTrip } from './round-trip.js';

/**
 * The OpenID Connect redirect URL: the single-use `state` (bound to this browser by its nonce cookie) says which
 * provider answers and why; the code is exchanged and the person checked, then the purpose applied.
 */
export async function finishOidcCallback(
  ctx: ServiceContext,
  input: {
    readonly state: string | undefined;
    /** The callback address as the browser reached it, with its query. */
    readonly currentUrl: URL;
    readonly nonceCookie: string | undefined;
    /** Who the browser is signed in as. */
    readonly browserUserId: string | undefined;
    readonly now: Date;
  },
): Promise<SsoOutcome> {
  const flow = await consumeSignInFlow(ctx.db, ctx.secrets, {
    state: input.state,
    provider: 'oidc',
    nonce: input.nonceCookie,
    now: input.now,
  });
  let provider: LoadedProvider | undefined;
  let trip: VerifiedRoundTrip | undefined;
  try {
    if (!flow) throw refuse('flow_expired', 'The sign-in was used, expired, or started in another browser.');
    trip = {
      purpose: flow.purpose,
      userId: flow.userId,
      returnTo: flow.returnTo,
      version: flow.secrets.version,
      browserUserId: input.browserUserId,
    };
    provider = await findLoadedProvider(ctx, flow.providerRef);
    if (provider?.protocol !== 'oidc') throw refuse('flow_expired', 'The provider was removed.');
    const { codeVerifier, nonce } = flow.secrets;
    if (!codeVerifier || !nonce) throw refuse('flow_expired', 'The sign-in flow is incomplete.');
    const person = await finishOidc(ctx, {
      accountId: provider.row.account_id,
      settings: provider.settings,
      clientSecret: clientSecretOf(ctx, provider.row),
      currentUrl: input.currentUrl,
      state: input.state!,
      secrets: { codeVerifier, nonce },
    });
    return await completeSso(ctx, provider, trip, person);
  } catch (error) {
    return refusedOutcome(ctx, provider, trip, error);
  }
}
