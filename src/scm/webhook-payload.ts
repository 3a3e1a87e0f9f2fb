import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { WebhookPayloadError, type ParsedDelivery, type WebhookReceiver } from './webhook-receiver.js';
import { firstHeader, verifyHexHmac } from './webhook-signatures.js';

/* What the kinds' receivers share to read a delivery: its id, its JSON body, and git's conventions. */

const printableId = /^[\x21-\x7e]{1,200}$/;

/**
 * The first delivery id the SCM sent among `candidates` (header values in order of preference); without one, the
 * SHA-256 of the body, so a resent copy of the same body is still recognized.
 */
export function deliveryIdOf(
  candidates: readonly { readonly label: string; readonly value: string | undefined }[],
  rawBody: Buffer,
): string {
  for (const { label, value } of candidates) {
    if (value === undefined) continue;
    if (!printableId.test(value)) {
      throw new WebhookPayloadError(`${label} must be 1 to 200 printable characters without spaces.`);
    }
    return value;
  }
  return `sha256:${createHash('sha256').update(rawBody).digest('hex')}`;
}

/** The body as JSON; a {@link WebhookPayloadError} when it is not. */
export function parseJson(body: string | Buffer): unknown {
  try {
    return JSON.parse(typeof body === 'string' ? body : body.toString('utf8')) as unknown;
  } catch {
    throw new WebhookPayloadError('The delivery body is not JSON.');
  }
}

/** The body read as `schema` says the event looks; a {@link WebhookPayloadError} naming the first problem. */
export function parseAs<T>(schema: z.ZodType<T>, body: string, event: string): T {
  const result = schema.safeParse(parseJson(body));
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'the body';
  throw new WebhookPayloadError(
    `The ${event} delivery is not what the event promises: ${where} ${issue?.message ?? 'is invalid'}.`,
  );
}

/** A commit id, or null for git's all-zero id (the ref did not exist before, or no longer exists). */
export const commitOrNull = (sha: string | null | undefined): string | null =>
  sha === undefined || sha === null || sha === '' || /^0+$/.test(sha) ? null : sha;

/** The branch name of a `refs/heads/…` ref; undefined for tags and other refs. */
export const branchOf = (ref: string): string | undefined =>
  ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;

export const ignored = (reason: string): ParsedDelivery => ({ events: [], ignored: reason });

export const notHandled = (event: string): ParsedDelivery =>
  ignored(event === '' ? 'The delivery names no event.' : `Event "${event.slice(0, 100)}" is not handled.`);

/**
 * Verify and identify for the Bitbucket kinds: both sign with `X-Hub-Signature: sha256=<hex>` and name the event
 * in `X-Event-Key`; they differ in the header carrying the delivery id.
 */
export const xHubSignedDelivery = (idHeader: {
  readonly name: string;
  readonly label: string;
}): Pick<WebhookReceiver, 'verify' | 'identify'> => ({
  verify: (delivery, secrets) =>
    verifyHexHmac(delivery.headers, delivery.rawBody, secrets.secret, {
      name: 'x-hub-signature',
      label: 'X-Hub-Signature',
    }),
  identify: (delivery) => ({
    deliveryId: deliveryIdOf(
      [{ label: idHeader.label, value: firstHeader(delivery.headers, idHeader.name) }],
      delivery.rawBody,
    ),
    event: firstHeader(delivery.headers, 'x-event-key') ?? '',
  }),
});
