import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { email as emailField, displayName } from '../../core/fields.js';
import {
  activateSsoProvider,
  deactivateSsoProvider,
  removeSsoProvider,
  saveOidcProvider,
  saveSamlProvider,
} from '../../sso/admin.js';
import { setSsoPolicy } from '../../sso/policy.js';
import { ssoSettingsView } from '../../sso/provider-view.js';
import { ssoProviderForEmail } from '../../sso/sign-in-by-email.js';
import { maxMetadataBytes } from '../../sso/saml-metadata.js';
import type { ZodApp } from '../app.js';
import { actorOf, requireAccount } from '../auth.js';
import type { AppContext } from '../context.js';
import { errors, fields } from '../schemas.js';
import { publicOrigin } from '../session-view.js';

const role = z.enum(['admin', 'member']);
const groupRoles = z
  .record(z.string().trim().min(1).max(256), role)
  .refine((value) => Object.keys(value).length <= 200, 'must map at most 200 groups')
  .describe(
    'IdP group name → account role; re-evaluated at every sign-in. Empty: everyone gets the default role.',
  );
const allowedDomains = z
  .array(z.string().trim().min(1).max(253))
  .min(1, 'must name at least one email domain')
  .max(50, 'must name at most 50 domains')
  .describe(
    'Email domains (example.com) whose people sign in through this provider; each belongs to one account.',
  );
const attributeName = z.string().trim().min(1).max(256);

const oidcBody = z.strictObject({
  name: displayName(),
  issuer: z
    .string()
    .trim()
    .min(1)
    .max(2048)
    .describe('The issuer URL; its discovery document is read on save.'),
  clientId: z.string().trim().min(1).max(512),
  clientSecret: z
    .string()
    .min(1)
    .max(4096)
    .optional()
    .describe('Required when the provider is created; left out to keep the stored one. Never returned.'),
  scopes: z
    .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,100}$/, 'must be a scope name'))
    .max(30)
    .optional()
    .describe('Default `openid email profile`; `openid` is always asked for.'),
  groupsClaim: attributeName
    .nullable()
    .optional()
    .describe('The claim that lists the person’s groups (`groups`).'),
  groupRoles: groupRoles.optional(),
  allowedDomains,
});

const samlBody = z.strictObject({
  name: displayName(),
  metadataUrl: z
    .string()
    .trim()
    .min(1)
    .max(2048)
    .optional()
    .describe("The IdP's metadata URL; fetched on save."),
  metadataXml: z
    .string()
    .min(1)
    .max(maxMetadataBytes)
    .optional()
    .describe(
      'The IdP’s metadata XML, pasted, instead of a URL. Without either, the stored metadata is kept.',
    ),
  emailAttribute: attributeName.optional().describe('Default `email`.'),
  nameAttribute: attributeName.optional().describe('Default `name`.'),
  groupsAttribute: attributeName.nullable().optional(),
  groupRoles: groupRoles.optional(),
  allowedDomains,
});

const lastTest = z
  .object({ ok: z.boolean(), reason: z.string().nullable(), message: z.string(), at: z.string() })
  .nullable()
  .describe('What the last Test sign-in found.');
const status = z.enum(['draft', 'tested', 'active']).describe('draft → tested (Test sign-in) → active');
const providerBase = {
  id: z.string(),
  name: z.string(),
  status,
  testedAt: z.string().nullable(),
  groupRoles: z.record(z.string(), role),
  allowedDomains: z.array(z.string()),
  lastTest,
};
const ssoSettingsSchema = z.object({
  oidc: z
    .object({
      ...providerBase,
      issuer: z.string(),
      clientId: z.string(),
      hasClientSecret: z.boolean(),
      scopes: z.array(z.string()),
      groupsClaim: z.string().nullable(),
      redirectUrl: z.string(),
    })
    .nullable(),
  saml: z
    .object({
      ...providerBase,
      metadataUrl: z.string().nullable(),
      idpEntityId: z.string(),
      idpSsoUrl: z.string(),
      certificates: z.array(
        z.object({
          subject: z.string(),
          notAfter: z.string(),
          expiresSoon: z.boolean().describe('Expired or expiring within 30 days.'),
        }),
      ),
      spEntityId: z.string(),
      acsUrl: z.string(),
      emailAttribute: z.string(),
      nameAttribute: z.string(),
      groupsAttribute: z.string().nullable(),
    })
    .nullable(),
  policy: z.object({ requireSso: z.boolean(), breakGlassUserId: z.string().nullable() }),
  redirectUrl: z.string().describe('The OpenID Connect redirect URL to register at the provider.'),
});

const params = z.strictObject({ accountId: fields.uuid });
const protocolParams = z.strictObject({ accountId: fields.uuid, protocol: z.enum(['oidc', 'saml']) });

/** Settings > Single sign-on (admins), and the public start of SSO by work email. */
export function registerSsoRoutes(app: ZodApp, ctx: AppContext): void {
  const view = (request: import('fastify').FastifyRequest, accountId: string) =>
    ssoSettingsView(ctx.db, accountId, publicOrigin(ctx, request));
  const tags = ['single sign-on'];

  app.get(
    '/accounts/:accountId/sso',
    {
      schema: {
        tags,
        summary: "The account's single sign-on providers and policy (admin)",
        params,
        response: { 200: ssoSettingsSchema, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      await requireAccount(request, ctx, request.params.accountId, 'admin');
      return view(request, request.params.accountId);
    },
  );

  app.put(
    '/accounts/:accountId/sso/oidc',
    {
      schema: {
        tags,
        summary: 'Create or change the OpenID Connect provider (admin); back to draft',
        description:
          'The discovery document (`{issuer}/.well-known/openid-configuration`) is read and checked: 422 ' +
          '`invalid_issuer` says what is wrong. Register the answer’s `redirectUrl` at the provider.',
        params,
        body: oidcBody,
        response: { 200: ssoSettingsSchema, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const { accountId } = request.params;
      await requireAccount(request, ctx, accountId, 'admin');
      await saveOidcProvider(ctx, accountId, request.body, actorOf(request.auth));
      return view(request, accountId);
    },
  );

  app.put(
    '/accounts/:accountId/sso/saml',
    {
      schema: {
        tags,
        summary: 'Create or change the SAML provider (admin); back to draft',
        description:
          'From the IdP’s metadata URL (fetched) or XML. Give the IdP the answer’s `spEntityId` and `acsUrl`, or ' +
          'the SP metadata at `spEntityId`. Assertions must be signed.',
        params,
        body: samlBody,
        response: { 200: ssoSettingsSchema, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const { accountId } = request.params;
      await requireAccount(request, ctx, accountId, 'admin');
      await saveSamlProvider(ctx, accountId, request.body, actorOf(request.auth));
      return view(request, accountId);
    },
  );

  app.delete(
    '/accounts/:accountId/sso/:protocol',
    {
      schema: {
        tags,
        summary: 'Remove a provider (admin)',
        params: protocolParams,
        response: { 204: z.null(), ...errors(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { accountId, protocol } = request.params;
      await requireAccount(request, ctx, accountId, 'admin');
      await removeSsoProvider(ctx, accountId, protocol, actorOf(request.auth));
      return reply.status(204).send(null);
    },
  );

  for (const action of ['activate', 'deactivate'] as const) {
    app.post(
      `/accounts/:accountId/sso/:protocol/${action}`,
      {
        schema: {
          tags,
          summary:
            action === 'activate'
              ? 'Let people sign in through the provider (admin); 409 `not_tested` until a Test sign-in passed'
              : 'Stop sign-ins through the provider (admin)',
          params: protocolParams,
          response: { 200: ssoSettingsSchema, ...errors(401, 403, 404, 409) },
        },
      },
      async (request) => {
        const { accountId, protocol } = request.params;
        await requireAccount(request, ctx, accountId, 'admin');
        const change = action === 'activate' ? activateSsoProvider : deactivateSsoProvider;
        await change(ctx, accountId, protocol, actorOf(request.auth));
        return view(request, accountId);
      },
    );
  }

  app.put(
    '/accounts/:accountId/sso/policy',
    {
      schema: {
        tags,
        summary: 'Require single sign-on for everyone but a break-glass admin (admin)',
        description:
          'Requiring SSO needs an active provider (409 `no_active_provider`) and a break-glass admin who signs in ' +
          'with a password (422 `invalid_break_glass`). Sessions that did not come through the account’s SSO then ' +
          'get 403 `sso_required` on its routes.',
        params,
        body: z.strictObject({ requireSso: z.boolean(), breakGlassUserId: fields.uuid.nullable() }),
        response: { 200: ssoSettingsSchema, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const { accountId } = request.params;
      await requireAccount(request, ctx, accountId, 'admin');
      const auth = request.auth;
      await setSsoPolicy(
        ctx,
        accountId,
        request.body,
        auth?.kind === 'session'
          ? { userId: auth.userId, method: auth.method, ssoProviderId: auth.ssoProviderId }
          : null,
      );
      return view(request, accountId);
    },
  );

  app.post(
    '/sign-in/sso',
    {
      config: { public: true, csrfExempt: true },
      schema: {
        tags: ['session'],
        summary: 'Where single sign-on starts for a work email',
        description:
          'The start address (`/auth/sso/{id}/start`, a browser navigation) of the active provider whose email ' +
          'domains include the email’s; 404 `no_sso_for_domain` otherwise.',
        body: z.strictObject({ email: emailField }),
        response: { 200: z.object({ url: z.string() }), ...errors(400, 404) },
      },
    },
    async (request) => {
      const url = await ssoProviderForEmail(ctx.db, request.body.email);
      if (!url) {
        throw new AppError(404, 'no_sso_for_domain', 'No single sign-on is set up for this email domain.');
      }
      return { url };
    },
  );
}
