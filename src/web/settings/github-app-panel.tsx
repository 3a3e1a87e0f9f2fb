import { useEffect, useState } from 'react';
import { neededAppEvents, neededAppPermissions } from '../../scm/github/app-credentials.js';
import { useApi } from '../api/api-context.js';
import type { GitHubApp } from '../api/github-app-client.js';
import { ExternalLink } from '../components/external-link.js';
import { TextField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import { useResource } from '../lib/use-resource.js';
import { useSubmit } from '../lib/use-submit.js';
import { useLocation, useNavigate } from '../router/router-context.js';

const goTo = (url: string) => window.location.assign(url);

const permissionText = (permissions: Readonly<Record<string, string>>) =>
  Object.entries(permissions)
    .map(([name, level]) => `${name}: ${level}`)
    .join(', ');

/** The app's public facts: id, slug (its page on GitHub), where it comes from, permissions and events. */
const AppFacts = ({ app }: { readonly app: GitHubApp }) => (
  <dl className="report-facts">
    <div>
      <dt>App id</dt>
      <dd>{app.appId}</dd>
    </div>
    <div>
      <dt>Slug</dt>
      <dd>
        <ExternalLink href={app.htmlUrl}>{app.slug}</ExternalLink>
      </dd>
    </div>
    <div>
      <dt>Source</dt>
      <dd>
        {app.source === 'environment' ? (
          <>
            Environment (<code>SCM_CONNECT_GITHUB_APP_*</code>)
          </>
        ) : (
          'Registered here'
        )}
      </dd>
    </div>
    {app.owner ? (
      <div>
        <dt>Owner on GitHub</dt>
        <dd>{app.owner}</dd>
      </div>
    ) : null}
    <div>
      <dt>Permissions</dt>
      <dd>{app.permissions ? permissionText(app.permissions) : 'As set in the app’s settings on GitHub'}</dd>
    </div>
    <div>
      <dt>Events</dt>
      <dd>{app.events ? app.events.join(', ') || 'None' : 'As set in the app’s settings on GitHub'}</dd>
    </div>
  </dl>
);

/** Create the GitHub App: what it registers, an optional owner organization, and the way to GitHub. */
const CreateApp = ({ go }: { readonly go: (url: string) => void }) => {
  const api = useApi();
  const [organization, setOrganization] = useState('');
  const submit = useSubmit(async () => {
    go((await api.startGitHubAppManifest(organization.trim() || undefined)).url);
  }, 'Could not start Create the GitHub App.');
  return (
    <form className="form" onSubmit={submit.onSubmit}>
      <p>
        Connect to GitHub needs this instance’s GitHub App on GitHub.com. Create the GitHub App registers it
        on GitHub with the permissions scm-connect needs ({permissionText(neededAppPermissions)}), the webhook
        events {neededAppEvents.join(', ')}, and this instance’s webhook and setup addresses. On GitHub you
        can rename it, then click <strong>Create GitHub App</strong>.
      </p>
      <p className="muted">
        GitHub hands over the app’s private key, webhook secret and client secret once; scm-connect stores
        them encrypted and never shows them.
      </p>
      <TextField
        label="GitHub organization (optional)"
        name="organization"
        value={organization}
        onChange={(event) => setOrganization(event.target.value)}
        autoComplete="off"
        help="The organization that will own the app (you must be one of its owners). Leave empty to register it on your own GitHub account."
      />
      <FormError message={submit.error} />
      <div>
        <button type="submit" className="button button-primary" aria-disabled={submit.busy}>
          {submit.busy ? 'Opening GitHub…' : 'Create the GitHub App'}
        </button>
      </div>
    </form>
  );
};

export interface GitHubAppPanelProps {
  /** Sends the browser to the hand-off page; replaced in tests of the panel alone. */
  readonly go?: (url: string) => void;
}

/** Settings > Source Code Managers: the instance's GitHub App, or how it gets created. */
export const GitHubAppPanel = ({ go = goTo }: GitHubAppPanelProps) => {
  const api = useApi();
  const { search } = useLocation();
  const navigate = useNavigate();
  const [created] = useState(() => new URLSearchParams(search).get('github_app') === 'created');
  const [app] = useResource('github-app', (signal) => api.gitHubApp({ signal }));

  useEffect(() => {
    // The notice is shown once; a reload of the page should not repeat it.
    if (created) navigate('/settings', { replace: true });
  }, [created, navigate]);

  return (
    <section className="card" aria-labelledby="github-app-heading">
      <h2 id="github-app-heading">GitHub App</h2>
      {created ? (
        <p className="notice notice-success" role="status">
          The GitHub App is created. Admins of each account can now use Connect to GitHub.
        </p>
      ) : null}
      {app.status === 'loading' ? <p className="muted">Loading…</p> : null}
      {app.status === 'error' ? <FormError message={app.message} /> : null}
      {app.status === 'ready' && app.data.configured ? <AppFacts app={app.data} /> : null}
      {app.status === 'ready' && !app.data.configured && app.data.canCreate ? <CreateApp go={go} /> : null}
      {app.status === 'ready' && !app.data.configured && !app.data.canCreate ? (
        <p className="muted">
          An instance admin creates the GitHub App (here, with Create the GitHub App) or sets it with{' '}
          <code>SCM_CONNECT_GITHUB_APP_*</code>; until then Connect to GitHub is unavailable.
        </p>
      ) : null}
    </section>
  );
};
