import { useId, useMemo } from 'react';
import type { ScmKind } from '../../core/scm-kinds.js';
import { useApi } from '../api/api-context.js';
import type { Connection } from '../api/schemas.js';
import { Dialog } from '../components/dialog.js';
import { FormError } from '../components/form-error.js';
import { useForm } from '../forms/use-form.js';
import { CaCertificateField } from './ca-certificate-field.js';
import { buildNewConnection, takesCaCertificate, type TokenKindId } from './connection-input.js';
import { connectionRules } from './connection-rules.js';
import { ScmKindFields } from './scm-kind-fields.js';

export interface TokenConnectDialogProps {
  readonly kind: ScmKind & { readonly id: TokenKindId };
  readonly accountId: string;
  readonly onClose: () => void;
  readonly onConnected: (connection: Connection) => void;
}

/**
 * The dialog of a kind that connects with an access token: the kind's fields (and, for a self-managed kind,
 * an optional CA certificate), each with its limits. Refused fields are named next to themselves before
 * anything is sent; the server then checks the token with the SCM before storing anything, and its refusal
 * shows under the form with what was typed kept, so the admin corrects one field and tries again.
 */
export const TokenConnectDialog = ({ kind, accountId, onClose, onConnected }: TokenConnectDialogProps) => {
  const api = useApi();
  const formId = useId();
  const rules = useMemo(() => connectionRules(kind.id), [kind.id]);
  const form = useForm(
    rules,
    {},
    async (values) => onConnected(await api.createConnection(accountId, buildNewConnection(kind.id, values))),
    'Could not connect.',
  );
  const ca = form.field('caPem');

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
          <button type="submit" form={formId} className="button button-primary" aria-disabled={form.busy}>
            {form.busy ? 'Connecting…' : 'Connect'}
          </button>
        </>
      }
    >
      <form
        id={formId}
        ref={form.formRef}
        className="form"
        noValidate
        aria-busy={form.busy}
        onSubmit={form.onSubmit}
      >
        <ScmKindFields kind={kind} field={form.field} />
        {takesCaCertificate(kind.id) ? (
          <CaCertificateField
            value={ca.value}
            error={ca.error}
            onChange={(value) => form.set('caPem', value)}
          />
        ) : null}
        {form.busy ? (
          <p className="muted" role="status">
            Checking the token with {kind.name}…
          </p>
        ) : null}
        <FormError message={form.error} />
      </form>
    </Dialog>
  );
};
