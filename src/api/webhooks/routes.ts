import { isUtf8 } from 'node:buffer';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../core/errors.js';
import { WebhookPayloadError, type IncomingDelivery, type Verification } from '../../scm/webhook-receiver.js';
import { createDeliveryStore } from '../../webhooks/delivery-store.js';
import {
  createEndpointLookup,
  isHookId,
  recordEndpointFailure,
  type WebhookEndpoint,
} from '../../webhooks/endpoints.js';
import { isWebhookKind, webhookReceivers } from '../../webhooks/receivers.js';
import type { AppContext } from '../context.js';
import { createEndpointSecretsCache } from './endpoint-secrets.js';
import { registerGitHubAppWebhook, type GitHubAppWebhookSource } from './github-app-route.js';
import { acceptRawJson, headersOf, webhookBodyLimit } from './raw-delivery.js';

const noEndpoint = () =>
  new AppError(
    404,
    'not_found',
    'No webhook endpoint at this address: copy the hook URL from the connection in scm-connect again.',
  );

const refusalCodes: Readonly<Record<Exclude<Verification, { ok: true }>['failure'], [number, string]>> = {
  'missing-signature': [401, 'missing_signature'],
  'malformed-signature': [401, 'invalid_signature'],
  'repeated-header': [401, 'invalid_signature'],
  'signature-mismatch': [401, 'invalid_signature'],
  'stale-timestamp': [401, 'stale_signature'],
  'insecure-transport': [403, 'https_required'],
};

/** The body is kept as text: PostgreSQL text cannot hold NUL, and JSON is UTF-8 and never has a NUL unescaped. */
function checkBody(rawBody: Buffer): void {
  if (rawBody.includes(0))
    throw new AppError(400, 'invalid_body', 'The delivery body holds a NUL byte: JSON never does.');
  if (!isUtf8(rawBody))
    throw new AppError(400, 'invalid_body', 'The delivery body is not UTF-8: JSON always is.');
}

/**
 * `POST /webhooks/{kind}/{hookId}`: deliveries from the SCMs. The hook id routes the delivery before anything
 * is checked (an unknown id, or one of another kind, is a 404 with no secret decrypted and no body read); then
 * only that endpoint's secrets verify it over the raw bytes; then the delivery and its `webhook.process` job are
 * committed before the answer. No SCM is called here: the job does the work.
 */
export async function registerWebhookRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  options: { readonly gitHubApp?: () => Promise<GitHubAppWebhookSource | undefined> } = {},
): Promise<void> {
  await app.register(async (scope) => {
    const rawBodyOf = acceptRawJson(scope);
    scope.setErrorHandler((error: FastifyError, _request, reply) => {
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        return reply.status(413).send({
          code: 'body_too_large',
          message: `Webhook deliveries are limited to ${webhookBodyLimit / 1024 / 1024} MB, as GitHub limits its payloads.`,
        });
      }
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
        return reply.status(415).send({
          code: 'unsupported_media_type',
          message: 'Webhook deliveries must be JSON: set the content type of the hook to application/json.',
        });
      }
      // Everything else is answered by the application's error handler.
      throw error;
    });

    const findEndpoint = createEndpointLookup({ db: ctx.db });
    const store = createDeliveryStore({ db: ctx.db });
    const secretsOf = createEndpointSecretsCache(ctx.secrets);
    const endpoints = new WeakMap<FastifyRequest, WebhookEndpoint>();

    if (options.gitHubApp) {
      registerGitHubAppWebhook(scope, {
        ctx,
        store,
        rawBodyOf,
        refusal: (failure) => refusalCodes[failure],
        checkBody,
        app: options.gitHubApp,
      });
    }

    scope.post<{ Params: { kind: string; hookId: string } }>(
      '/webhooks/:kind/:hookId',
      {
        bodyLimit: webhookBodyLimit,
        schema: { hide: true },
        // Routed before the body is read: an unknown endpoint costs one indexed lookup and nothing else.
        onRequest: async (request) => {
          const { kind, hookId } = request.params;
          if (!isWebhookKind(kind) || !isHookId(hookId)) throw noEndpoint();
          const endpoint = await findEndpoint(hookId);
          if (!endpoint || endpoint.kind !== kind) throw noEndpoint();
          endpoints.set(request, endpoint);
        },
      },
      async (request, reply) => {
        const endpoint = endpoints.get(request)!;
        const receiver = webhookReceivers[request.params.kind as keyof typeof webhookReceivers];
        const now = new Date();
        const rawBody = rawBodyOf(request);
        const delivery: IncomingDelivery = {
          headers: headersOf(request.raw.rawHeaders),
          rawBody,
          secure: ctx.config.publicUrl?.protocol === 'https:' || request.protocol === 'https',
          now,
        };
        const verification = receiver.verify(delivery, secretsOf(endpoint));
        if (!verification.ok) {
          await recordEndpointFailure(ctx.db, endpoint, verification.message, now).catch((error: unknown) =>
            request.log.warn({ err: error }, 'could not record a refused webhook delivery'),
          );
          const [status, code] = refusalCodes[verification.failure];
          throw new AppError(status, code, verification.message);
        }
        checkBody(rawBody);
        let identity;
        try {
          identity = receiver.identify(delivery);
        } catch (error) {
          if (error instanceof WebhookPayloadError)
            throw new AppError(400, 'invalid_delivery', error.message);
          throw error;
        }
        const outcome = await store.store({
          endpoint,
          deliveryId: identity.deliveryId,
          event: identity.event.slice(0, 200),
          body: rawBody.toString('utf8'),
          bodyBytes: rawBody.length,
        });
        return outcome.status === 'accepted'
          ? reply.status(202).send({ status: 'accepted' })
          : reply.status(200).send({ status: 'duplicate' });
      },
    );
  });
}
