import { useState } from 'react';
import { scmKinds, type ScmKindId } from '../../core/scm-kinds.js';
import { useApi } from '../api/api-context.js';
import type { AccountSummary, Connection } from '../api/schemas.js';
import { FormError } from '../components/form-error.js';
import { useResource } from '../lib/use-resource.js';
import { useSession } from '../session/session-context.js';
import { connectDialogs } from './connect-dialogs.js';
import { ConnectionList } from './connection-list.js';
import { instanceName } from './enterprise-app-state.js';
import { GitHubAppPanel } from './github-app-panel.js';
import { GitHubRequestsNotice } from './github-requests-notice.js';
import { GitLabSignInAppsPanel } from './gitlab-sign-in-apps-panel.js';
import { OrganizationsSection } from './organizations-section.js';
import { useRefreshAfterInstall } from './use-refresh-after-install.js';

/** The status line after Connect: what the new entry is, and for GitHub Enterprise Server what comes next. */
const connectedNotice = (connection: Connection): string =>
  connection.kind === 'github-enterprise'
    ? `${connection.name} is added. Click Register app on its entry to create scm-connect’s GitHub App on ${instanceName(connection.baseUrl)}.`
    : `${connection.name} is connected.`;

/** Settings > Source Code Managers: the connections, the seven kinds to add, and their organizations. */
export const ScmTab = ({ account }: { readonly account: AccountSummary }) => {
  const api = useApi();
  const session = useSession();
  const [connections, reloadConnections] = useResource(`connections:${account.id}`, (signal) =>
    api.listConnections(account.id, { signal }),
  );
  const [organizations, reloadOrganizations] = useResource(`organizations:${account.id}`, (signal) =>
    api.listOrganizations(account.id, { signal }),
  );
  const [openKind, setOpenKind] = useState<ScmKindId | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const OpenDialog = openKind ? connectDialogs[openKind] : null;
  const isAdmin = account.role === 'admin';
  const items = connections.status === 'ready' ? connections.data : [];
  const reload = () => {
    reloadConnections();
    reloadOrganizations();
  };
  useRefreshAfterInstall(reload);

  return (
    <div className="stack">
      <section className="card" aria-labelledby="connections-heading">
        <h2 id="connections-heading">Connected source code managers</h2>
        <GitHubRequestsNotice accountId={account.id} />
        {notice ? (
          <p className="notice notice-success" role="status">
            {notice}
          </p>
        ) : null}
        {connections.status === 'loading' ? <p className="muted">Loading…</p> : null}
        {connections.status === 'error' ? <FormError message={connections.message} /> : null}
        {connections.status === 'ready' ? (
          <ConnectionList
            accountId={account.id}
            connections={items}
            isAdmin={isAdmin}
            onChanged={reload}
            onNotice={setNotice}
          />
        ) : null}
      </section>

      <GitHubAppPanel />
      {session.user.instanceAdmin ? <GitLabSignInAppsPanel /> : null}

      <section className="card" aria-labelledby="add-scm-heading">
        <h2 id="add-scm-heading">Connect a source code manager</h2>
        {isAdmin ? (
          <ul className="kind-grid" aria-label="Source code managers">
            {scmKinds.map((kind) => (
              <li key={kind.id} className="kind-card">
                <div>
                  <p className="kind-name">{kind.name}</p>
                  <p className="kind-hosting">{kind.hosting === 'cloud' ? 'Cloud' : 'Self-managed'}</p>
                </div>
                <button type="button" className="button" onClick={() => setOpenKind(kind.id)}>
                  {kind.addLabel}
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">Only admins of this account can connect source code managers.</p>
        )}
      </section>

      <OrganizationsSection organizations={organizations} connections={items} />

      {OpenDialog ? (
        <OpenDialog
          account={account}
          onClose={() => setOpenKind(null)}
          onConnected={(connection) => {
            setOpenKind(null);
            setNotice(connectedNotice(connection));
            reload();
          }}
        />
      ) : null}
    </div>
  );
};
