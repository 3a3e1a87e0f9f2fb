import { useState } from 'react';
import { useApi } from '../api/api-context.js';
import type { GitLabOAuthApp } from '../api/gitlab-oauth-apps-client.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { CopyField } from '../components/copy-field.js';
import { FormError } from '../components/form-error.js';
import { ActionsHeader } from '../components/row-actions.js';
import { formatDate, formatDateTime } from '../lib/format.js';
import { useResource } from '../lib/use-resource.js';
import { GitLabAppDialog } from './gitlab-app-dialog.js';

/** Where GitLab sends people back; the server's list says it once an application exists. */
const callbackUrlOf = (apps: readonly GitLabOAuthApp[]): string =>
  apps[0]?.callbackUrl ?? `${window.location.origin}/auth/gitlab/callback`;

type Editing = { readonly mode: 'add' } | { readonly mode: 'change'; readonly app: GitLabOAuthApp };

/**
 * Settings > Source Code Managers, for instance admins: the GitLab OAuth applications that Sign in with GitLab
 * uses, one per GitLab instance, beside the instance's GitHub App.
 */
export const GitLabSignInAppsPanel = () => {
  const api = useApi();
  const [apps, reload] = useResource('gitlab-oauth-apps', (signal) => api.listGitLabOAuthApps({ signal }));
  const [editing, setEditing] = useState<Editing | null>(null);
  const [removing, setRemoving] = useState<GitLabOAuthApp | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <section className="card" aria-labelledby="gitlab-sign-in-heading">
      <h2 id="gitlab-sign-in-heading">GitLab sign-in applications</h2>
      <p className="muted card-description">
        Sign in with GitLab needs an OAuth application on each GitLab instance (gitlab.com or self-managed).
        In GitLab, create one (Admin area &gt; Applications, or a group’s Applications) that is confidential,
        has the scope <code>read_user</code> and this redirect URI; then add its id and secret here.
      </p>
      {notice ? (
        <p className="notice notice-success" role="status">
          {notice}
        </p>
      ) : null}
      {apps.status === 'loading' ? <p className="muted">Loading…</p> : null}
      {apps.status === 'error' ? <FormError message={apps.message} /> : null}
      {apps.status === 'ready' ? (
        <>
          <CopyField label="Redirect URI for GitLab" value={callbackUrlOf(apps.data)} />
          {apps.data.length > 0 ? (
            <table className="table table-stack" aria-label="GitLab sign-in applications">
              <thead>
                <tr>
                  <th scope="col">GitLab</th>
                  <th scope="col">Application ID</th>
                  <th scope="col">Added</th>
                  <ActionsHeader />
                </tr>
              </thead>
              <tbody>
                {apps.data.map((app) => (
                  <tr key={app.id}>
                    <td data-label="GitLab">
                      {app.webUrl}
                      {app.hasCaCertificate ? <span className="list-meta"> (private CA)</span> : null}
                    </td>
                    <td data-label="Application ID">
                      <code className="wrap-anywhere">{app.applicationId}</code>
                    </td>
                    <td data-label="Added" title={formatDateTime(app.createdAt)}>
                      {formatDate(app.createdAt)}
                    </td>
                    <td className="cell-actions">
                      <button
                        type="button"
                        className="button button-small"
                        aria-label={`Change ${app.webUrl}`}
                        onClick={() => setEditing({ mode: 'change', app })}
                      >
                        Change
                      </button>{' '}
                      <button
                        type="button"
                        className="button button-small button-danger-quiet"
                        aria-label={`Remove ${app.webUrl}`}
                        onClick={() => setRemoving(app)}
                      >
                        Remove
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">No GitLab application yet: Sign in with GitLab is not offered.</p>
          )}
          <div>
            <button type="button" className="button" onClick={() => setEditing({ mode: 'add' })}>
              Add GitLab application
            </button>
          </div>
        </>
      ) : null}

      {editing ? (
        <GitLabAppDialog
          {...(editing.mode === 'change' ? { app: editing.app } : {})}
          onClose={() => setEditing(null)}
          onSaved={(app) => {
            setEditing(null);
            setNotice(
              editing.mode === 'add'
                ? `Sign in with GitLab is offered for ${app.webUrl}.`
                : `The application of ${app.webUrl} is saved.`,
            );
            reload();
          }}
        />
      ) : null}

      {removing ? (
        <ConfirmDialog
          title="Remove GitLab application"
          confirmLabel="Remove application"
          onClose={() => setRemoving(null)}
          onConfirm={async () => {
            await api.removeGitLabOAuthApp(removing.id);
            setNotice(`Sign in with GitLab is no longer offered for ${removing.webUrl}.`);
            reload();
          }}
        >
          <p>
            Remove the sign-in application of <strong>{removing.webUrl}</strong>? People can no longer sign in
            with that GitLab; their users and memberships stay.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
};
