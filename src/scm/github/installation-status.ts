import { isScmError, ScmError } from '../errors.js';
import { readInstallation, type GitHubInstallationDetails } from './installation-checks.js';
import {
  installationRemoved,
  installationSuspended,
  installationSettingsUrl,
  type GitHubContext,
} from './provider-context.js';

export type InstallationFinding =
  | { readonly ok: true; readonly details: GitHubInstallationDetails }
  | { readonly ok: false; readonly error: ScmError };

/**
 * The linked installation as the app sees it (`GET /app/installations/{id}`, JWT): usable, or why not
 * (uninstalled: `auth` / `installation_not_found`; suspended: `forbidden` / `installation_suspended`; now on
 * another account: `auth` / `installation_moved`). Other GitHub failures reject.
 */
export async function inspectInstallation(context: GitHubContext): Promise<InstallationFinding> {
  const { installationId, account } = context.installation;
  let details: GitHubInstallationDetails;
  try {
    details = await readInstallation(context.clients.app(), installationId);
  } catch (error) {
    if (isScmError(error) && error.code === 'installation_not_found') {
      return { ok: false, error: installationRemoved(context, error.status) };
    }
    throw error;
  }
  if (details.suspendedAt !== null) return { ok: false, error: installationSuspended(context) };
  if (details.account.id !== account.id) {
    return {
      ok: false,
      error: new ScmError(
        'auth',
        `Installation ${installationId} is on \`${details.account.login}\`, not on \`${account.login}\`.`,
        {
          code: 'installation_moved',
          fix: `Remove this connection and connect \`${account.login}\` again; check ${installationSettingsUrl(context)}.`,
        },
      ),
    };
  }
  return { ok: true, details };
}
