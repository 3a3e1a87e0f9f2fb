import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import type { Config } from '../config/config.js';
import { displayName, isPemCertificatesOnly, pemCertificatesOnlyMessage } from '../core/fields.js';
import type { ScmKindId } from '../core/scm-kinds.js';
import type { ConnectionSettings } from '../scm/connection-settings.js';
import { githubLoginPattern } from '../github-apps/manifest.js';
import { normalizeBaseUrl } from '../scm/http/index.js';

/** A token goes into an HTTP header: printable ASCII only, so no header injection. */
export const tokenField = z
  .string()
  .min(1, 'must not be empty')
  .max(4096, 'must be at most 4096 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be the token only: no spaces, line breaks or non-ASCII characters');

export const caPemField = z
  .string()
  .max(64 * 1024, 'must be at most 64 KiB')
  .refine(isPemCertificatesOnly, { message: pemCertificatesOnlyMessage, abort: true })
  .refine(
    (pem) => parseCertificates(pem) !== undefined,
    'must be one or more PEM certificates (-----BEGIN CERTIFICATE-----)',
  );

export const baseUrlField = z
  .string()
  .min(1, 'must not be empty')
  .max(2048, 'must be at most 2048 characters');
const name = displayName(100).optional();

const groupPath = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(255)
  .regex(
    /^[A-Za-z0-9_.][A-Za-z0-9_.\-/]*$/,
    'must be a GitLab group path such as `acme` (letters, digits, `_`, `.`, `-`)',
  )
  .transform((v) => v.replace(/\/+$/, ''));
const workspace = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(62)
  .regex(/^[A-Za-z0-9_.-]+$/, 'must be the workspace slug as in bitbucket.org/{workspace}')
  .transform((v) => v.toLowerCase());
const projectKey = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(128)
  .regex(
    /^~?[A-Za-z][A-Za-z0-9_]*$/,
    'must be the project key (as listed at <your Bitbucket URL>/projects), e.g. `SEC`',
  )
  .transform((v) => v.toUpperCase());
const organization = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(50)
  .regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/, 'must be the organization name as in dev.azure.com/{organization}');

const githubOrganization = z
  .string()
  .trim()
  .regex(githubLoginPattern, 'must be the organization name as in https://github.example.com/{organization}');

/**
 * The body of "Connect": one shape per token-based kind, and GitHub Enterprise Server's entry (the organization
 * that will own its app, the instance's URL).
 */
export const connectBody = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('github-enterprise'),
    organization: githubOrganization,
    baseUrl: baseUrlField,
    caPem: caPemField.optional(),
    name,
  }),
  z.strictObject({ kind: z.literal('gitlab'), group: groupPath, token: tokenField, name }),
  z.strictObject({
    kind: z.literal('gitlab-self-managed'),
    baseUrl: baseUrlField,
    group: groupPath,
    token: tokenField,
    caPem: caPemField.optional(),
    name,
  }),
  z.strictObject({
    kind: z.literal('bitbucket-cloud'),
    workspace,
    token: tokenField,
    email: z.email('must be the Atlassian account email').max(254).optional(),
    name,
  }),
  z.strictObject({
    kind: z.literal('bitbucket-data-center'),
    projectKey,
    baseUrl: baseUrlField,
    token: tokenField,
    caPem: caPemField.optional(),
    name,
  }),
  z.strictObject({ kind: z.literal('azure-devops'), organization, token: tokenField, name }),
]);

export type ConnectBody = z.infer<typeof connectBody>;

/** The bodies of the token-based kinds, which are checked with their token before anything is stored. */
export type TokenConnectBody = Exclude<ConnectBody, { kind: 'github-enterprise' }>;

export interface ResolvedConnection {
  readonly settings: ConnectionSettings;
  /** The normalized instance root stored with the connection. */
  readonly baseUrl: string;
  readonly target: string;
  readonly name: string;
  /** Non-secret extras stored as JSON (the Bitbucket account email). */
  readonly extra: Record<string, string>;
}

/** The kinds whose instance URL (and CA certificate) the admin gives. */
export const isSelfManagedKind = (kind: string): boolean =>
  kind === 'gitlab-self-managed' || kind === 'bitbucket-data-center';

/** A self-managed instance URL as typed, normalized to the root stored with the connection (no trailing slash). */
export const storedBaseUrl = (raw: string, config: Pick<Config, 'allowHttp'>): string =>
  normalizeBaseUrl(raw, { allowHttp: config.allowHttp }).href.replace(/\/$/, '');

/** Turns the Connect body into settings: self-managed URLs normalized once, cloud kinds on the configured endpoints. */
export function resolveConnection(body: TokenConnectBody, config: Config): ResolvedConnection {
  const instance = (raw: string) => normalizeBaseUrl(raw, { allowHttp: config.allowHttp });
  switch (body.kind) {
    case 'gitlab':
      return resolved(body, config.cloudUrls.gitlab, body.group);
    case 'gitlab-self-managed':
      return resolved(body, instance(body.baseUrl), body.group);
    case 'bitbucket-cloud':
      return resolved(body, config.cloudUrls.bitbucketApi, body.workspace, config.cloudUrls.bitbucketWeb);
    case 'bitbucket-data-center':
      return resolved(body, instance(body.baseUrl), body.projectKey);
    case 'azure-devops':
      return resolved(body, config.cloudUrls.azureDevOps, body.organization);
  }
}

function resolved(body: TokenConnectBody, baseUrl: URL, target: string, webUrl?: URL): ResolvedConnection {
  const caPem = 'caPem' in body ? body.caPem : undefined;
  const email = 'email' in body ? body.email : undefined;
  const base = baseUrl.href.replace(/\/$/, '');
  return {
    settings: {
      kind: body.kind,
      baseUrl,
      ...(webUrl ? { webUrl } : {}),
      target,
      token: body.token,
      ...(email ? { email } : {}),
      ...(caPem ? { caPem } : {}),
    },
    baseUrl: base,
    target,
    name: body.name ?? target,
    extra: email ? { email } : {},
  };
}

/** Rebuilds the settings of a stored connection, with its token decrypted for this call. */
export function storedSettings(
  row: { kind: string; base_url: string; target: string; settings: string; ca_pem: string | null },
  token: string,
  config: Config,
): ConnectionSettings {
  const extra = JSON.parse(row.settings) as Record<string, unknown>;
  const email = typeof extra.email === 'string' ? extra.email : undefined;
  return {
    kind: row.kind as ScmKindId,
    baseUrl: new URL(row.base_url),
    ...(row.kind === 'bitbucket-cloud' ? { webUrl: config.cloudUrls.bitbucketWeb } : {}),
    target: row.target,
    token,
    ...(email ? { email } : {}),
    ...(row.ca_pem ? { caPem: row.ca_pem } : {}),
  };
}

function parseCertificates(pem: string): X509Certificate[] | undefined {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!blocks) return undefined;
  try {
    return blocks.map((block) => new X509Certificate(block));
  } catch {
    return undefined;
  }
}
