import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../core/errors.js';
import type { AppKey } from '../../db/github-installations.js';
import { githubWebhookReceiver } from '../../scm/github/webhooks.js';
import { WebhookPayloadError, type Verification } from '../../scm/webhook-receiver.js';
import type { DeliveryStore } from '../../webhooks/delivery-store.js';
import { endpointsOfInstallation, installationOfDelivery } from '../../webhooks/github-app-endpoints.js';
import { linkRequestedInstallation } from '../../connections/github/requested-installation.js';
import type { AppContext } from '../context.js';
import { headersOf, webhookBodyLimit } from './raw-delivery.js';

/** The app whose deliveries `/webhooks/github` takes: who it is and the secret it signs with. */
export interface GitHubAppWebhookSource {
  readonly key: AppKey;
  readonly webhookSecret: string;
}

export interface GitHubAppRouteDeps {
  readonly ctx: AppContext;
  readonly store: DeliveryStore;
  readonly rawBodyOf: (request: FastifyRequest) => Buffer;
  readonly refusal: (failure: Exclude<Verification, { ok: true }>['failure']) => readonly [number, string];
  readonly checkBody: (rawBody: Buffer) => void;
  /** The instance's app, or undefined while none is set up. */
  readonly app: () => Promise<GitHubAppWebhookSource | undefined>;
}

/**
 * `POST /webhooks/github`: the instance GitHub App's deliveries, verified with the app's secret over the raw
 * bytes, then kept once for each connection linked to the installation the delivery names (and for none when
 * no account linked it). As for every hook, nothing calls GitHub here: the `webhook.process` job does the work.
 */
export function registerGitHubAppWebhook(scope: FastifyInstance, deps: GitHubAppRouteDeps): void {
  scope.post(
    '/webhooks/github',
    { bodyLimit: webhookBodyLimit, schema: { hide: true } },
    async (request, reply) => {
      const app = await deps.app();
      if (!app) {
        throw new AppError(
          404,
          'not_found',
          'This instance has no GitHub App, so it takes no GitHub App deliveries.',
        );
      }
      const rawBody = deps.rawBodyOf(request);
      const delivery = {
        headers: headersOf(request.raw.rawHeaders),
        rawBody,
        secure: deps.ctx.config.publicUrl?.protocol === 'https:' || request.protocol === 'https',
        now: new Date(),
      };
      const verification = githubWebhookReceiver.verify(delivery, {
        secret: app.webhookSecret,
        signingSecret: null,
      });
      if (!verification.ok) {
        const [status, code] = deps.refusal(verification.failure);
        throw new AppError(status, code, verification.message);
      }
      deps.checkBody(rawBody);
      let identity;
      try {
        identity = githubWebhookReceiver.identify(delivery);
      } catch (error) {
        if (error instanceof WebhookPayloadError) throw new AppError(400, 'invalid_delivery', error.message);
        throw error;
      }
      const body = rawBody.toString('utf8');
      const installationId = installationOfDelivery(body);
      const endpointsNow = () =>
        installationId ? endpointsOfInstallation(deps.ctx.db, app.key, installationId) : Promise.resolve([]);
      let endpoints = await endpointsNow();
      if (endpoints.length === 0 && identity.event === 'installation') {
        // An owner approved what a member of an account asked for: that account gets the installation.
        const linked = await linkRequestedInstallation(
          deps.ctx.db,
          deps.ctx.secrets,
          app.key,
          body,
          new Date(),
        );
        if (linked) endpoints = await endpointsNow();
      }
      if (endpoints.length === 0) return reply.status(202).send({ status: 'ignored' });
      const outcomes = await Promise.all(
        endpoints.map((endpoint) =>
          deps.store.store({
            endpoint,
            deliveryId: identity.deliveryId,
            event: identity.event.slice(0, 200),
            body,
            bodyBytes: rawBody.length,
          }),
        ),
      );
      return outcomes.some((outcome) => outcome.status === 'accepted')
        ? reply.status(202).send({ status: 'accepted' })
        : reply.status(200).send({ status: 'duplicate' });
    },
  );
}
