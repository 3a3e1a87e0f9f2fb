import { useState } from 'react';
import { useApi } from '../api/api-context.js';
import { ApiError } from '../api/http.js';
import { FormError } from '../components/form-error.js';
import { Link } from '../router/router-context.js';
import { AccountPage } from './account-page.js';

const installationPattern = /^[1-9][0-9]{0,18}$/;

const goTo = (url: string) => window.location.assign(url);

/**
 * Reached when GitHub sent someone to scm-connect without a flow this browser started (an install begun on
 * GitHub, or a link someone else made): nothing is linked unless they confirm here, and then GitHub is asked
 * who they are before any check.
 */
export const GitHubConfirmPage = ({ search }: { readonly search: string }) => {
  const api = useApi();
  const params = new URLSearchParams(search);
  const installationId = params.get('installation_id') ?? '';
  const setupAction = params.get('setup_action') === 'update' ? 'update' : 'install';
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  return (
    <AccountPage title="Link a GitHub installation">
      {(account) =>
        installationPattern.test(installationId) ? (
          <section className="card stack">
            <p>
              Link GitHub installation <strong>{installationId}</strong> to <strong>{account.name}</strong>?
            </p>
            <p className="muted">
              Only do this if you started installing scm-connect’s GitHub App yourself. GitHub will ask you to
              authorize scm-connect, then scm-connect checks that the installation is yours and that you are
              an owner of its organization.
            </p>
            <FormError message={error} />
            <p className="form-inline">
              <Link className="button" to="/settings">
                Cancel
              </Link>
              <button
                type="button"
                className="button button-primary"
                aria-disabled={busy}
                onClick={() => {
                  if (busy) return;
                  setBusy(true);
                  setError(null);
                  api
                    .confirmGitHubInstallation(account.id, installationId, setupAction)
                    .then(({ url }) => goTo(url))
                    .catch((failure: unknown) => {
                      setError(failure instanceof ApiError ? failure.message : 'Could not continue.');
                      setBusy(false);
                    });
                }}
              >
                {busy ? 'Opening GitHub…' : 'Link installation'}
              </button>
            </p>
          </section>
        ) : (
          <p className="form-error" role="alert">
            This address names no GitHub installation. Start again with Connect to GitHub.
          </p>
        )
      }
    </AccountPage>
  );
};
