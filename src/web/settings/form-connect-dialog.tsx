import { useMemo, type ReactNode } from 'react';
import type { ScmKind } from '../../core/scm-kinds.js';
import { useApi } from '../api/api-context.js';
import type { Connection } from '../api/schemas.js';
import { FormDialog } from '../components/form-dialog.js';
import { FormError } from '../components/form-error.js';
import { useForm } from '../forms/use-form.js';
import { CaCertificateField } from './ca-certificate-field.js';
import { buildNewConnection, type FormKindId } from './connection-input.js';
import { addressRefusals, connectionRules } from './connection-rules.js';
import { ScmKindFields } from './scm-kind-fields.js';

export interface FormConnectDialogProps {
  readonly kind: ScmKind & { readonly id: FormKindId };
  readonly accountId: string;
  /** What happens after Connect, above the fields (GitHub Enterprise Server: the app comes next). */
  readonly intro?: ReactNode;
  readonly onClose: () => void;
  readonly onConnected: (connection: Connection) => void;
}

/**
 * The dialog of a kind connected through a form (an access token, or GitHub Enterprise Server's organization and
 * URL): the kind's fields (and, for a self-managed kind, an optional CA certificate), each with its limits.
 * Refused fields are named next to themselves before anything is sent; the server then checks with the SCM
 * before storing anything, and its refusal shows next to the field it names or under the form, with what was
 * typed kept, so the admin corrects one field and tries again.
 */
export const FormConnectDialog = ({
  kind,
  accountId,
  intro,
  onClose,
  onConnected,
}: FormConnectDialogProps) => {
  const api = useApi();
  const rules = useMemo(() => connectionRules(kind.id), [kind.id]);
  const form = useForm(
    rules,
    {},
    async (values) => onConnected(await api.createConnection(accountId, buildNewConnection(kind.id, values))),
    'Could not connect.',
    { codeFields: addressRefusals },
  );
  const ca = form.field('caPem');
  const checking =
    kind.connectsWith === 'token'
      ? `Checking the token with ${kind.name}…`
      : `Checking that the URL answers as a ${kind.name}…`;

  return (
    <FormDialog
      title={kind.dialogTitle}
      onClose={onClose}
      form={form}
      submitLabel="Connect"
      busyLabel="Connecting…"
    >
      {intro}
      <ScmKindFields kind={kind} field={form.field} />
      {rules.caPem ? (
        <CaCertificateField
          value={ca.value}
          error={ca.error}
          onChange={(value) => form.set('caPem', value)}
        />
      ) : null}
      {form.busy ? (
        <p className="muted" role="status">
          {checking}
        </p>
      ) : null}
      <FormError message={form.error} />
    </FormDialog>
  );
};
