import { useState } from 'react';
import { useApi } from '../api/api-context.js';
import { ApiError } from '../api/http.js';
import type { Connection } from '../api/schemas.js';
import { ExternalLink } from '../components/external-link.js';
import { FormError } from '../components/form-error.js';

export interface GitHubInstallationStateProps {
  readonly accountId: string;
  readonly connectionId: string;
  readonly installation: NonNullable<Connection['github']>['installations'][number];
  readonly isAdmin: boolean;
  readonly onChanged: () => void;
}

/**
 * A GitHub App connection's installation: which repositories it covers, where to change that on GitHub, and
 * (admins) whether other scm-connect accounts may link it too.
 */
export const GitHubInstallationState = ({
  accountId,
  connectionId,
  installation,
  isAdmin,
  onChanged,
}: GitHubInstallationStateProps) => {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const selection =
    installation.repositorySelection === 'all' ? 'All repositories' : 'Only select repositories';
  const state = installation.removedAt ? 'uninstalled' : installation.suspendedAt ? 'suspended' : null;

  const share = async (allow: boolean) => {
    setBusy(true);
    setError(null);
    try {
      await api.setGitHubSharing(accountId, connectionId, allow);
      onChanged();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'Could not change the setting.');
    }
    setBusy(false);
  };

  return (
    <>
      <p className="list-meta connection-installation">
        GitHub App installation {installation.installationId} on {installation.account.login} · {selection}
        {state ? <span className="text-danger"> · {state}</span> : null} ·{' '}
        <ExternalLink href={installation.settingsUrl}>Configure on GitHub</ExternalLink>
      </p>
      {isAdmin ? (
        <label className="checkbox list-meta">
          <input
            type="checkbox"
            checked={installation.allowOtherAccounts}
            disabled={busy}
            onChange={(event) => void share(event.target.checked)}
          />
          Let admins of other scm-connect accounts link this installation too (they must own{' '}
          {installation.account.login} on GitHub)
        </label>
      ) : null}
      <FormError message={error} />
    </>
  );
};
