import { useId, useState, type FormEvent } from 'react';
import type { ScmKind } from '../../core/scm-kinds.js';
import { useApi } from '../api/api-context.js';
import type { Connection } from '../api/schemas.js';
import { Dialog } from '../components/dialog.js';
import { FormError } from '../components/form-error.js';
import { CaCertificateField } from './ca-certificate-field.js';
import { buildNewConnection, takesCaCertificate, type TokenKindId } from './connection-input.js';
import { ScmKindFields } from './scm-kind-fields.js';

export interface TokenConnectDialogProps {
  readonly kind: ScmKind & { readonly id: TokenKindId };
  readonly accountId: string;
  readonly onClose: () => void;
  readonly onConnected: (connection: Connection) => void;
}

/**
 * The dialog of a kind that connects with an access token: the kind's fields (and, for a self-managed kind,
 * an optional CA certificate). The server checks the token with the SCM before storing anything; its refusal
 * is shown under the form and what was typed stays, so the admin corrects one field and tries again.
 */
export const TokenConnectDialog = ({ kind, accountId, onClose, onConnected }: TokenConnectDialogProps) => {
  const api = useApi();
  const formId = useId();
  const [values, setValues] = useState<Readonly<Record<string, string>>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const change = (fieldId: string, value: string) =>
    setValues((previous) => ({ ...previous, [fieldId]: value }));

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    let connection: Connection;
    try {
      connection = await api.createConnection(accountId, buildNewConnection(kind.id, values));
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : 'Could not connect.');
      setBusy(false);
      return;
    }
    onConnected(connection);
  };

  return (
    <Dialog
      title={kind.dialogTitle}
      onClose={onClose}
      actions={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          {/* Not disabled while busy: a disabled button drops the focus out of the dialog. */}
          <button type="submit" form={formId} className="button button-primary" aria-disabled={busy}>
            {busy ? 'Connecting…' : 'Connect'}
          </button>
        </>
      }
    >
      <form id={formId} className="form" aria-busy={busy} onSubmit={(event) => void submit(event)}>
        <ScmKindFields kind={kind} values={values} onChange={change} />
        {takesCaCertificate(kind.id) ? (
          <CaCertificateField value={values.caPem ?? ''} onChange={(value) => change('caPem', value)} />
        ) : null}
        {busy ? (
          <p className="muted" role="status">
            Checking the token with {kind.name}…
          </p>
        ) : null}
        <FormError message={error} />
      </form>
    </Dialog>
  );
};
