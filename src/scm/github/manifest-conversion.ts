import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import { ScmError } from '../errors.js';
import { requestOrRefusal, type ScmHttp, type ScmResponse } from '../http/index.js';
import { integerId } from './app-credentials.js';

/**
 * The temporary `code` of GitHub's redirect after an app was created from a manifest (GitHub sends 40 hex
 * digits); checked before it becomes part of a path.
 */
export const manifestCodePattern = /^[A-Za-z0-9_-]{8,100}$/;

/** What GitHub gives once, when the manifest's code is converted: the new app's facts and its secrets. */
export interface ConvertedApp {
  /** Integer string. */
  readonly appId: string;
  readonly slug: string;
  readonly name: string;
  /** The login of the user or organization (or the slug of the enterprise) that owns the app. */
  readonly owner: string | null;
  readonly htmlUrl: string;
  readonly clientId: string;
  readonly permissions: Readonly<Record<string, string>>;
  readonly events: readonly string[];
  /** PEM. */
  readonly privateKey: string;
  readonly webhookSecret: string;
  readonly clientSecret: string;
}

const isPrivateKey = (pem: string) => {
  try {
    createPrivateKey(pem);
    return true;
  } catch {
    return false;
  }
};

/**
 * `apps/create-from-manifest` (201): an `integration` plus `client_id`, `client_secret`, `webhook_secret`
 * (null when the manifest had no active hook; ours always has one) and `pem`. Unknown fields are allowed.
 */
const conversionSchema = z.object({
  id: z.union([z.number(), z.string()]),
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/),
  name: z.string().min(1).max(200),
  owner: z
    .object({ login: z.string().min(1).optional(), slug: z.string().min(1).optional() })
    .nullable()
    .optional(),
  html_url: z.string(),
  client_id: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/),
  client_secret: z.string().min(1).max(1000),
  webhook_secret: z.string().min(1).max(1000).nullable(),
  pem: z.string().min(1).max(20_000).refine(isPrivateKey, 'is not a PEM private key'),
  permissions: z.record(z.string(), z.string()),
  events: z.array(z.string()),
});

const startAgain =
  'Start Create the GitHub App again in scm-connect; if GitHub created an app on the way, delete it in its settings on GitHub first.';

const unexpected = (response: ScmResponse<unknown>, at: string) =>
  new ScmError('invalid', `GitHub answered the app conversion with an unexpected shape (at ${at}).`, {
    code: 'upstream_invalid_response',
    status: response.status,
    fix: startAgain,
  });

/**
 * `POST {api}/app-manifests/{code}/conversions` (no authentication): the app GitHub created from our manifest,
 * with its private key, webhook secret and client secret, which GitHub hands out this once. A code that is
 * unknown, used or older than an hour (404, 422) is ScmError `invalid` code `invalid_manifest_code`.
 */
export async function convertManifestCode(api: ScmHttp, code: string): Promise<ConvertedApp> {
  if (!manifestCodePattern.test(code)) {
    throw new ScmError('invalid', 'The code GitHub sent back is not a manifest code.', {
      code: 'invalid_manifest_code',
      fix: startAgain,
    });
  }
  let answer;
  try {
    answer = await requestOrRefusal(
      api,
      { method: 'POST', path: `/app-manifests/${code}/conversions`, idempotent: false },
      conversionSchema,
      { refused: [404, 422], refusal: (response) => response.status, invalid: unexpected },
    );
  } catch (error) {
    throw withoutCode(error, code);
  }
  if (!answer.ok) {
    throw new ScmError(
      'invalid',
      'GitHub refused the manifest code: it was converted already, is older than an hour, or is unknown.',
      { code: 'invalid_manifest_code', fix: startAgain },
    );
  }
  const data = answer.data;
  const appId = integerId(data.id);
  if (!appId) throw unexpected({ status: 201, headers: {}, data, url: api.baseUrl }, 'id');
  if (data.webhook_secret === null) {
    throw new ScmError('invalid', 'GitHub created the app without a webhook secret.', {
      code: 'upstream_invalid_response',
      fix: startAgain,
    });
  }
  return {
    appId,
    slug: data.slug,
    name: data.name,
    owner: data.owner?.login ?? data.owner?.slug ?? null,
    htmlUrl: data.html_url,
    clientId: data.client_id,
    permissions: data.permissions,
    events: data.events,
    privateKey: data.pem,
    webhookSecret: data.webhook_secret,
    clientSecret: data.client_secret,
  };
}

/**
 * The guarded layer names the URL in its messages; the code in its path is as good as the app's secrets for an
 * hour, so it is replaced before the error goes anywhere (the cause, which may hold it too, is dropped).
 */
function withoutCode(error: unknown, code: string): unknown {
  if (!(error instanceof ScmError)) return error;
  return new ScmError(error.kind, error.message.replaceAll(code, '{code}'), {
    code: error.code,
    ...(error.fix === undefined ? {} : { fix: error.fix.replaceAll(code, '{code}') }),
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.retryAt === undefined ? {} : { retryAt: error.retryAt }),
  });
}
