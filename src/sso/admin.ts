import type { ServiceContext } from '../context.js';
import { conflict, notFound, unprocessable } from '../core/errors.js';
import { recordAudit } from '../db/audit.js';
import type { Role, SsoProtocol } from '../db/schema.js';
import {
  deleteSsoProvider,
  findSsoPolicy,
  findSsoProviderOfAccount,
  listAllSsoProviders,
  listSsoProvidersOfAccount,
  saveSsoProvider,
  setSsoStatus,
  ssoSecretAad,
  type SsoProviderRow,
} from '../db/sso-providers.js';
import { discoverIssuer } from './oidc-client.js';
import { fetchIdpMetadata, parseIdpMetadata } from './saml-metadata.js';
import {
  parseOidcSettings,
  parseSamlSettings,
  settingsChanged,
  type OidcSettings,
  type SamlSettings,
} from './settings.js';

/** Who changes the settings, for the audit log (API tokens act for the account). */
export type Actor = string | null;

export interface OidcInput {
  readonly name: string;
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret?: string | undefined;
  readonly scopes?: readonly string[] | undefined;
  readonly groupsClaim?: string | null | undefined;
  readonly groupRoles?: Readonly<Record<string, Role>> | undefined;
  readonly allowedDomains: readonly string[];
}

export interface SamlInput {
  readonly name: string;
  readonly metadataUrl?: string | undefined;
  readonly metadataXml?: string | undefined;
  readonly emailAttribute?: string | undefined;
  readonly nameAttribute?: string | undefined;
  readonly groupsAttribute?: string | null | undefined;
  readonly groupRoles?: Readonly<Record<string, Role>> | undefined;
  readonly allowedDomains: readonly string[];
}

const defaultScopes = ['openid', 'email', 'profile'];

/**
 * Saves the account's OpenID Connect provider. The issuer's discovery document is read and checked first (a
 * clear 422 when it is wrong); any change sends the provider back to draft, to be tested again.
 */
export async function saveOidcProvider(
  ctx: ServiceContext,
  accountId: string,
  input: OidcInput,
  actor: Actor,
): Promise<void> {
  const existing = await findSsoProviderOfAccount(ctx.db, accountId, 'oidc');
  if (!existing && !input.clientSecret) {
    throw unprocessable(
      'client_secret_required',
      'Enter the client secret the provider gave for scm-connect.',
    );
  }
  const domains = normalizeDomains(input.allowedDomains);
  await refuseClaimedDomains(ctx, accountId, domains);
  const server = await discoverIssuer(ctx, accountId, input.issuer.trim());
  const scopes = [...new Set(['openid', ...(input.scopes ?? defaultScopes)])];
  const settings: OidcSettings = {
    issuer: String(server.issuer),
    clientId: input.clientId,
    scopes,
    groupsClaim: input.groupsClaim ?? null,
    groupRoles: { ...input.groupRoles },
    allowedDomains: domains,
    server,
    lastTest: null,
  };
  await storeProvider(ctx, accountId, actor, {
    existing,
    protocol: 'oidc',
    name: input.name,
    settings,
    secret: input.clientSecret,
    details: { issuer: settings.issuer, clientSecretChanged: input.clientSecret !== undefined },
  });
}

/**
 * Saves the account's SAML provider from its metadata (fetched from the URL, or pasted); without either, the
 * stored metadata is kept. Any change (a rotated certificate too) sends the provider back to draft.
 */
export async function saveSamlProvider(
  ctx: ServiceContext,
  accountId: string,
  input: SamlInput,
  actor: Actor,
): Promise<void> {
  if (input.metadataUrl && input.metadataXml) {
    throw unprocessable('invalid_metadata', 'Give the metadata URL or the metadata XML, not both.');
  }
  const existing = await findSsoProviderOfAccount(ctx.db, accountId, 'saml');
  const previous = existing ? parseSamlSettings(existing.settings) : undefined;
  const domains = normalizeDomains(input.allowedDomains);
  await refuseClaimedDomains(ctx, accountId, domains);
  let metadata: {
    metadataUrl: string | null;
    idpEntityId: string;
    idpSsoUrl: string;
    certificates: string[];
  };
  if (input.metadataUrl || input.metadataXml) {
    const xml = input.metadataXml ?? (await fetchIdpMetadata(ctx, accountId, input.metadataUrl!));
    const parsed = parseIdpMetadata(xml);
    metadata = {
      metadataUrl: input.metadataUrl ?? null,
      idpEntityId: parsed.entityId,
      idpSsoUrl: parsed.ssoUrl,
      certificates: [...parsed.certificates],
    };
  } else if (previous) {
    metadata = previous;
  } else {
    throw unprocessable('metadata_required', "Give the IdP's metadata URL or paste its metadata XML.");
  }
  const settings: SamlSettings = {
    metadataUrl: metadata.metadataUrl,
    idpEntityId: metadata.idpEntityId,
    idpSsoUrl: metadata.idpSsoUrl,
    certificates: metadata.certificates,
    emailAttribute: input.emailAttribute?.trim() || 'email',
    nameAttribute: input.nameAttribute?.trim() || 'name',
    groupsAttribute: input.groupsAttribute?.trim() || null,
    groupRoles: { ...input.groupRoles },
    allowedDomains: domains,
    lastTest: null,
  };
  await storeProvider(ctx, accountId, actor, {
    existing,
    protocol: 'saml',
    name: input.name,
    settings,
    details: { idpEntityId: settings.idpEntityId, metadataUrl: settings.metadataUrl },
  });
}

/**
 * Stores the account's provider of `protocol` and records it. Any change (a new secret too) sends the provider
 * back to draft, to be tested again; saving without a change keeps its status and its last test.
 */
async function storeProvider(
  ctx: ServiceContext,
  accountId: string,
  actor: Actor,
  input: {
    readonly existing: SsoProviderRow | undefined;
    readonly protocol: SsoProtocol;
    readonly name: string;
    readonly settings: OidcSettings | SamlSettings;
    /** A new secret to seal; undefined keeps the stored one. */
    readonly secret?: string | undefined;
    /** What the audit event tells besides the protocol. */
    readonly details: object;
  },
): Promise<void> {
  const { existing, settings, secret } = input;
  const unchanged =
    existing &&
    secret === undefined &&
    existing.name === input.name &&
    !settingsChanged(existing.settings, settings);
  const parseSettings = input.protocol === 'oidc' ? parseOidcSettings : parseSamlSettings;
  const row = await saveSsoProvider(ctx.db, {
    accountId,
    protocol: input.protocol,
    name: input.name,
    settings: JSON.stringify(
      unchanged ? { ...settings, lastTest: parseSettings(existing.settings).lastTest } : settings,
    ),
    status: unchanged ? existing.status : 'draft',
    userId: actor,
    ...(secret === undefined
      ? {}
      : { seal: (id: string) => ctx.secrets.encrypt(secret, ssoSecretAad(accountId, id)) }),
  });
  await recordAudit(ctx.db, {
    accountId,
    actorUserId: actor,
    action: 'sso.provider_saved',
    target: row.id,
    details: { protocol: input.protocol, ...input.details },
  });
}

const domainPattern =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

function normalizeDomains(domains: readonly string[]): string[] {
  const normalized = [...new Set(domains.map((domain) => domain.trim().toLowerCase().replace(/^@/, '')))];
  const bad = normalized.find((domain) => !domainPattern.test(domain));
  if (bad !== undefined) {
    throw unprocessable(
      'invalid_domain',
      `${JSON.stringify(bad)} is not an email domain such as example.com.`,
    );
  }
  if (normalized.length === 0) {
    throw unprocessable(
      'invalid_domain',
      'Name at least one email domain: people of those domains sign in through this provider.',
    );
  }
  return normalized;
}

/** An email domain belongs to one account: sign-in by email must know which provider to send people to. */
async function refuseClaimedDomains(
  ctx: ServiceContext,
  accountId: string,
  domains: string[],
): Promise<void> {
  for (const row of await listAllSsoProviders(ctx.db)) {
    if (row.account_id === accountId) continue;
    const claimed = (JSON.parse(row.settings) as { allowedDomains?: string[] }).allowedDomains ?? [];
    const taken = domains.find((domain) => claimed.includes(domain));
    if (taken) {
      throw conflict(
        'domain_claimed',
        `${taken} is claimed by the single sign-on of another account of this scm-connect; each email domain signs in to one account.`,
      );
    }
  }
}

/** An audit event of a change to a provider: its action and what it tells besides. */
interface ProviderChange {
  readonly action: string;
  readonly details?: object;
}

/** A change an admin makes to the account's provider of a protocol (404 when it has none). */
export type ProviderCommand = (
  ctx: ServiceContext,
  accountId: string,
  protocol: SsoProtocol,
  actor: Actor,
) => Promise<void>;

/** A command that makes `change` to the provider and records it; `change` answers undefined when there was nothing to do. */
const providerCommand =
  (
    change: (ctx: ServiceContext, row: SsoProviderRow) => Promise<ProviderChange | undefined>,
  ): ProviderCommand =>
  async (ctx, accountId, protocol, actor) => {
    const row = await findSsoProviderOfAccount(ctx.db, accountId, protocol);
    if (!row) throw notFound('single sign-on provider');
    const done = await change(ctx, row);
    if (done) await recordAudit(ctx.db, { accountId, actorUserId: actor, target: row.id, ...done });
  };

/** Activation needs a successful Test sign-in since the last change. */
export const activateSsoProvider = providerCommand(async (ctx, row) => {
  if (row.status === 'active') return undefined;
  if (row.status !== 'tested') {
    throw conflict(
      'not_tested',
      'Run Test sign-in successfully first: the provider was not tested since it was last changed.',
    );
  }
  await setSsoStatus(ctx.db, row.id, 'active');
  return { action: 'sso.provider_activated' };
});

export const deactivateSsoProvider = providerCommand(async (ctx, row) => {
  if (row.status !== 'active') return undefined;
  await keepProviderForPolicy(ctx, row.account_id, row.id);
  await setSsoStatus(ctx.db, row.id, 'tested');
  return { action: 'sso.provider_deactivated' };
});

export const removeSsoProvider = providerCommand(async (ctx, row) => {
  if (row.status === 'active') await keepProviderForPolicy(ctx, row.account_id, row.id);
  await deleteSsoProvider(ctx.db, row.account_id, row.protocol);
  return { action: 'sso.provider_removed', details: { protocol: row.protocol } };
});

/** While SSO is required, the last active provider stays: without it only the break-glass admin could sign in. */
async function keepProviderForPolicy(
  ctx: ServiceContext,
  accountId: string,
  providerId: string,
): Promise<void> {
  const policy = await findSsoPolicy(ctx.db, accountId);
  if (!policy?.requireSso) return;
  const others = (await listSsoProvidersOfAccount(ctx.db, accountId)).filter(
    (row) => row.id !== providerId && row.status === 'active',
  );
  if (others.length === 0) {
    throw conflict(
      'require_sso_on',
      'This account requires single sign-on and this is its only active provider: turn off Require SSO first.',
    );
  }
}
