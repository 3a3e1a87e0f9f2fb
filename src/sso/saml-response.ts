import { z } from 'zod';
import type { ServiceContext } from '../context.js';
import { notFound } from '../core/errors.js';
import { consumeSignInFlow, mintSignInFlow, type ConsumedSignInFlow } from '../db/sign-in-flows.js';
import { recordSamlAssertion } from '../db/sso-providers.js';
import { findLoadedProvider } from './loaded-provider.js';
import { checkPerson, type SsoPerson } from './person.js';
import { refuse } from './refusal.js';
import { completeSso, refusedOutcome, type SsoOutcome, type VerifiedRoundTrip } from './round-trip.js';
import { validateSamlResponse } from './saml-flow.js';
import { samlFinishPath, samlSpUrls } from './urls.js';

const tripOf = (flow: ConsumedSignInFlow): VerifiedRoundTrip => ({
  purpose: flow.purpose,
  userId: flow.userId,
  returnTo: flow.returnTo,
  version: flow.secrets.version,
});

/** Takes back the flow a SAML response answers (its request id); SAML responses come without cookies. */
async function takeFlow(
  ctx: ServiceContext,
  providerId: string,
  requestId: string | null | undefined,
  now: Date,
) {
  const flow = await consumeSignInFlow(ctx.db, ctx.secrets, {
    state: requestId ?? undefined,
    provider: 'saml',
    nonce: 'unbound',
    now,
  });
  return flow?.providerRef === providerId ? flow : undefined;
}

/**
 * The ACS: validates the posted SAMLResponse (signature, validity, audience, issuer), refuses an assertion seen
 * before, and finds the flow by the request id inside the signed assertion. A response answering no request is
 * an IdP-initiated sign-in (the IdP's dashboard): allowed for an active provider, never for a test or a link.
 */
export async function receiveSamlResponse(
  ctx: ServiceContext,
  input: {
    readonly providerId: string;
    readonly form: { readonly SAMLResponse?: string | undefined; readonly RelayState?: string | undefined };
    readonly origin: string;
    readonly now: Date;
  },
): Promise<SsoOutcome> {
  const provider = await findLoadedProvider(ctx, input.providerId);
  if (provider?.protocol !== 'saml') throw notFound('single sign-on provider');
  const urls = samlSpUrls(input.origin, provider.row.id);
  let trip: VerifiedRoundTrip | undefined;
  try {
    if (!input.form.SAMLResponse) throw refuse('provider_error', 'The IdP posted no SAMLResponse.');
    let assertion;
    try {
      assertion = await validateSamlResponse(
        provider.settings,
        urls,
        { SAMLResponse: input.form.SAMLResponse, RelayState: input.form.RelayState },
        input.now,
      );
    } catch (error) {
      // The RelayState is the request id: it says where a failed Test sign-in reports.
      const flow = await takeFlow(ctx, provider.row.id, input.form.RelayState, input.now);
      if (flow) trip = tripOf(flow);
      throw error;
    }
    const fresh = await recordSamlAssertion(ctx.db, {
      providerId: provider.row.id,
      assertionId: assertion.assertionId,
      expiresAt: assertion.expiresAt.toISOString(),
    });
    if (assertion.inResponseTo) {
      const flow = await takeFlow(ctx, provider.row.id, assertion.inResponseTo, input.now);
      if (flow) trip = tripOf(flow);
    }
    if (!fresh) throw refuse('replayed', 'This assertion was used already: sign in again.');
    if (assertion.inResponseTo && !trip) {
      throw refuse(
        'flow_expired',
        'The sign-in was used, expired, or answers a request scm-connect did not make.',
      );
    }
    trip ??= { purpose: 'sign-in', userId: null, returnTo: null, version: undefined };
    if (trip.purpose === 'link') {
      checkPerson(assertion.person, provider.settings.allowedDomains);
      const ticket = await mintSignInFlow(
        ctx.db,
        ctx.secrets,
        {
          purpose: 'link',
          provider: 'saml',
          providerRef: provider.row.id,
          accountId: provider.row.account_id,
          ...(trip.userId ? { userId: trip.userId } : {}),
          ...(trip.returnTo ? { returnTo: trip.returnTo } : {}),
          secrets: { person: JSON.stringify(assertion.person) },
        },
        input.now,
      );
      return {
        kind: 'confirm',
        path: `${samlFinishPath(provider.row.id)}?ticket=${encodeURIComponent(ticket.state)}`,
      };
    }
    return await completeSso(ctx, provider, trip, assertion.person);
  } catch (error) {
    return refusedOutcome(ctx, provider, trip, error);
  }
}

const personSchema = z.object({
  subject: z.string(),
  email: z.string(),
  emailVerified: z.boolean().nullable(),
  name: z.string(),
  groups: z.array(z.string()),
});

/**
 * The end of a SAML link: the browser returns by a same-site GET with its session, which must be the person who
 * started the link (the ACS, reached by a cross-site POST, cannot tell whose browser it is).
 */
export async function finishSamlLink(
  ctx: ServiceContext,
  input: {
    readonly providerId: string;
    readonly ticket: string | undefined;
    readonly userId: string | undefined;
    readonly now: Date;
  },
): Promise<SsoOutcome> {
  const provider = await findLoadedProvider(ctx, input.providerId);
  if (provider?.protocol !== 'saml') throw notFound('single sign-on provider');
  const flow = await takeFlow(ctx, provider.row.id, input.ticket, input.now);
  const trip = flow && tripOf(flow);
  try {
    if (!flow || flow.purpose !== 'link') throw refuse('flow_expired', 'The link was used or expired.');
    const person: SsoPerson = personSchema.parse(JSON.parse(flow.secrets.person ?? 'null'));
    return await completeSso(ctx, provider, { ...tripOf(flow), browserUserId: input.userId }, person);
  } catch (error) {
    return refusedOutcome(
      ctx,
      provider,
      trip ?? { purpose: 'link', userId: null, version: undefined },
      error,
    );
  }
}
