import { z } from 'zod';
import type { Db } from '../db/database.js';
import type { AppKey } from '../db/github-installations.js';
import { integerId } from '../scm/github/app-credentials.js';
import type { WebhookEndpoint } from './endpoints.js';

/**
 * The endpoints a GitHub App delivery goes to: those of every connection linked to its installation. GitHub
 * signs all of an app's deliveries with the one app secret, so the installation decides which accounts see a
 * delivery, and an installation linked to no account reaches none.
 */
export async function endpointsOfInstallation(
  db: Db,
  app: AppKey,
  installationId: string,
): Promise<WebhookEndpoint[]> {
  const rows = await db
    .selectFrom('github_installations as i')
    .innerJoin('webhook_endpoints as e', (join) =>
      join.onRef('e.connection_id', '=', 'i.connection_id').onRef('e.account_id', '=', 'i.account_id'),
    )
    .select([
      'e.id',
      'e.account_id',
      'e.connection_id',
      'e.kind',
      'e.secret_encrypted',
      'e.signing_secret_encrypted',
      'e.last_failure_at',
    ])
    .where('i.web_url', '=', app.webUrl)
    .where('i.app_id', '=', app.appId)
    .where('i.installation_id', '=', installationId)
    .where('i.removed_at', 'is', null)
    .where('e.app_id', '=', app.appId)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    accountId: row.account_id,
    connectionId: row.connection_id,
    kind: row.kind,
    secretEncrypted: row.secret_encrypted,
    signingSecretEncrypted: row.signing_secret_encrypted,
    lastFailureAt: row.last_failure_at,
  }));
}

const withInstallation = z.object({ installation: z.object({ id: z.unknown() }).nullish() });

/** The installation a delivery's body names, as an integer string; undefined when it names none or a bad one. */
export function installationOfDelivery(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const result = withInstallation.safeParse(parsed);
  return result.success && result.data.installation ? integerId(result.data.installation.id) : undefined;
}
