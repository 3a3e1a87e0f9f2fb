import { useState } from 'react';
import { useApi } from '../api/api-context.js';
import type { AccountSummary, ApiToken, CreatedToken } from '../api/schemas.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { Dialog } from '../components/dialog.js';
import { EmptyState } from '../components/empty-state.js';
import { FormError } from '../components/form-error.js';
import { ActionsHeader, RowRemoveCell } from '../components/row-actions.js';
import { SecretOnce } from '../components/secret-once.js';
import { formatDateTime, tokenRoleLabel } from '../lib/format.js';
import { useResource } from '../lib/use-resource.js';
import { ApiAccessSection } from './api-access-section.js';
import { CreateTokenForm } from './create-token-form.js';

/**
 * Settings > API tokens: tokens for scripts and CI (the secret is shown once, at creation), the account id
 * and where the API is described.
 */
export const TokensTab = ({ account }: { readonly account: AccountSummary }) => {
  const api = useApi();
  const [tokens, reload] = useResource(`tokens:${account.id}`, (signal) =>
    api.listTokens(account.id, { signal }),
  );
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const isAdmin = account.role === 'admin';

  return (
    <div className="stack">
      {isAdmin ? (
        <section className="card" aria-labelledby="create-token-heading">
          <h2 id="create-token-heading">Create an API token</h2>
          <p className="muted card-description">
            A token acts on this account with the role you give it. Treat it like a password.
          </p>
          <CreateTokenForm
            accountId={account.id}
            onCreated={(result) => {
              setCreated(result);
              setNotice(null);
              reload();
            }}
          />
        </section>
      ) : null}

      <section className="card" aria-labelledby="tokens-heading">
        <h2 id="tokens-heading">API tokens</h2>
        {notice ? (
          <p className="notice notice-success" role="status">
            {notice}
          </p>
        ) : null}
        {tokens.status === 'loading' ? <p className="muted">Loading…</p> : null}
        {tokens.status === 'error' ? <FormError message={tokens.message} /> : null}
        {tokens.status === 'ready' && tokens.data.length === 0 ? (
          <EmptyState title="No API tokens yet">
            <p>Create one to call the API from scripts or CI jobs.</p>
          </EmptyState>
        ) : null}
        {tokens.status === 'ready' && tokens.data.length > 0 ? (
          <table className="table table-stack" aria-label="API tokens">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Token</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                {isAdmin ? <ActionsHeader /> : null}
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((token) => (
                <tr key={token.id}>
                  <td data-label="Name">{token.name}</td>
                  <td data-label="Role">{tokenRoleLabel(token.role)}</td>
                  <td data-label="Token">
                    <code>{token.prefix}…</code>
                  </td>
                  <td data-label="Created">{formatDateTime(token.createdAt)}</td>
                  <td data-label="Last used">
                    {token.lastUsedAt ? formatDateTime(token.lastUsedAt) : 'Never'}
                  </td>
                  {isAdmin ? (
                    <RowRemoveCell action="Revoke" name={token.name} onClick={() => setRevoking(token)} />
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>

      <ApiAccessSection account={account} />

      {created ? (
        <Dialog
          title="API token created"
          onClose={() => setCreated(null)}
          actions={
            <button type="button" className="button button-primary" onClick={() => setCreated(null)}>
              Done
            </button>
          }
        >
          <p>
            The token <strong>{created.token.name}</strong> (
            {tokenRoleLabel(created.token.role).toLowerCase()}) is ready. Send it as{' '}
            <code>Authorization: Bearer …</code>.
          </p>
          <SecretOnce label="Token" value={created.secret} />
          {created.token.role === 'scan-upload' ? (
            <p>
              In the CI job, after the scanner:{' '}
              <code>SCM_CONNECT_API_TOKEN=… scm-connect scans upload results.sarif</code>. It can upload scans
              and nothing else.
            </p>
          ) : null}
          <p className="notice notice-warning">Copy it now: it is not shown again.</p>
        </Dialog>
      ) : null}

      {revoking ? (
        <ConfirmDialog
          title="Revoke API token"
          confirmLabel="Revoke token"
          onClose={() => setRevoking(null)}
          onConfirm={async () => {
            await api.revokeToken(account.id, revoking.id);
            setNotice(`The token ${revoking.name} was revoked.`);
            reload();
          }}
        >
          <p>
            Revoke <strong>{revoking.name}</strong>? Scripts using it stop working at once. This cannot be
            undone.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
};
