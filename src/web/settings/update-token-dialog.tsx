import { useId, useState, type FormEvent } from 'react';
import { findScmKind } from '../../core/scm-kinds.js';
import { useApi } from '../api/api-context.js';
import type { ConnectionChanges } from '../api/connections-client.js';
import type { Connection } from '../api/schemas.js';
import { Dialog } from '../components/dialog.js';
import { TextField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import { formatDateTime } from '../lib/format.js';
import { CaCertificateField } from './ca-certificate-field.js';
import { takesCaCertificate } from './connection-input.js';

export interface UpdateTokenDialogProps {
  readonly accountId: string;
  readonly connection: Connection;
  readonly onClose: () => void;
  readonly onUpdated: (connection: Connection) => void;
}

/**
 * Replaces a connection's token (and, for a self-managed kind, its CA certificate). The server checks the new
 * value with the SCM first; when it refuses, the old one stays and the reason shows here.
 */
export const UpdateTokenDialog = ({ accountId, connection, onClose, onUpdated }: UpdateTokenDialogProps) => {
  const api = useApi();
  const formId = useId();
  const kind = findScmKind(connection.kind);
  const tokenField = kind?.fields.find((field) => field.id === 'token');
  const withCa = kind ? takesCaCertificate(kind.id) : false;
  const [token, setToken] = useState('');
  const [caPem, setCaPem] = useState('');
  const [removeCa, setRemoveCa] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const changes = (): ConnectionChanges => {
    const result: { token?: string; caPem?: string | null } = {};
    if (token.trim()) result.token = token.trim();
    if (withCa && removeCa) result.caPem = null;
    else if (withCa && caPem.trim()) result.caPem = caPem.trim();
    return result;
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const body = changes();
    if (Object.keys(body).length === 0) {
      setError(withCa ? 'Enter a new token or a CA certificate.' : 'Enter the new token.');
      return;
    }
    setBusy(true);
    setError(null);
    let updated: Connection;
    try {
      updated = await api.updateConnection(accountId, connection.id, body);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : 'Could not update the connection.');
      setBusy(false);
      return;
    }
    onUpdated(updated);
  };

  return (
    <Dialog
      title="Update token"
      onClose={onClose}
      actions={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form={formId} className="button button-primary" aria-disabled={busy}>
            {busy ? 'Checking…' : 'Save'}
          </button>
        </>
      }
    >
      <form id={formId} className="form" aria-busy={busy} onSubmit={(event) => void submit(event)}>
        <p className="muted">
          {connection.name}
          {connection.tokenUpdatedAt ? <> · token set {formatDateTime(connection.tokenUpdatedAt)}</> : null}.
          The new token is checked before it replaces the current one.
        </p>
        <TextField
          label={`New ${(tokenField?.label ?? 'Access token').toLowerCase()}`}
          name="token"
          type="password"
          autoComplete="off"
          required={!withCa}
          value={token}
          onChange={(event) => setToken(event.target.value)}
        />
        {withCa ? (
          <>
            <CaCertificateField
              value={caPem}
              onChange={setCaPem}
              disabled={removeCa}
              help={
                connection.hasCaCertificate
                  ? 'A CA certificate is stored. Paste a new one to replace it, or leave this empty to keep it.'
                  : undefined
              }
            />
            {connection.hasCaCertificate ? (
              <label className="checkbox">
                <input
                  type="checkbox"
                  name="removeCa"
                  checked={removeCa}
                  onChange={(event) => setRemoveCa(event.target.checked)}
                />
                Remove the stored CA certificate
              </label>
            ) : null}
          </>
        ) : null}
        <FormError message={error} />
      </form>
    </Dialog>
  );
};
