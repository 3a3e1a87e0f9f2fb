import { useMemo, useState } from 'react';
import { findScmKind } from '../../core/scm-kinds.js';
import { useApi } from '../api/api-context.js';
import type { Connection } from '../api/schemas.js';
import { FormDialog } from '../components/form-dialog.js';
import { TextField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import { useForm, type FieldBinding } from '../forms/use-form.js';
import { formatDateTime } from '../lib/format.js';
import { withInlineCode } from '../lib/inline-code.js';
import { CaCertificateField } from './ca-certificate-field.js';
import { takesCaCertificate } from './connection-input.js';
import { addressRefusals } from './connection-rules.js';
import { connectionChanges, editRules, needsTokenAgain } from './edit-connection-input.js';

export interface EditConnectionDialogProps {
  readonly accountId: string;
  readonly connection: Connection;
  readonly onClose: () => void;
  readonly onUpdated: (connection: Connection) => void;
}

/** A binding's value, change, error and hint as a `TextField` takes them. */
const bound = ({ name, value, onChange, error, help }: FieldBinding) => ({
  name,
  value,
  onChange,
  error,
  help: help ? withInlineCode(help) : undefined,
});

/**
 * Edit a connection: its name, and (self-managed kinds) its URL and CA certificate, and its token. The server
 * checks a new URL, token or CA certificate with the SCM before it replaces anything; when the SCM refuses,
 * nothing is saved and the reason shows here with what was typed kept.
 */
export const EditConnectionDialog = ({
  accountId,
  connection,
  onClose,
  onUpdated,
}: EditConnectionDialogProps) => {
  const api = useApi();
  const kind = findScmKind(connection.kind);
  const selfManaged = takesCaCertificate(connection.kind);
  const rules = useMemo(() => editRules(connection), [connection]);
  const [removeCa, setRemoveCa] = useState(false);
  const form = useForm(
    rules,
    { name: connection.name, baseUrl: connection.baseUrl ?? '' },
    async (values) => {
      const changes = connectionChanges(connection, values, removeCa);
      if (Object.keys(changes).length === 0) throw new Error('Nothing was changed: edit a field, or Cancel.');
      onUpdated(await api.updateConnection(accountId, connection.id, changes));
    },
    'Could not save the connection.',
    { codeFields: addressRefusals },
  );
  const field = (id: string) => kind?.fields.find((candidate) => candidate.id === id);
  /** GitHub App connections have no token: the app's installation tokens are minted per call. */
  const appBased = kind?.connectsWith !== 'token';
  const tokenLabel = (field('token')?.label ?? 'Access token').toLowerCase();
  const ca = form.field('caPem');

  return (
    <FormDialog
      title="Edit connection"
      onClose={onClose}
      form={form}
      submitLabel="Save"
      busyLabel="Checking…"
    >
      <p className="muted">
        {kind?.name ?? connection.kind} · {connection.target}
        {connection.tokenUpdatedAt ? (
          <> · token set {formatDateTime(connection.tokenUpdatedAt)}</>
        ) : null}.{' '}
        {appBased
          ? 'It talks to GitHub as the installed GitHub App: its repositories and permissions are changed on GitHub (Configure on GitHub).'
          : `A new URL, token or CA certificate is checked with ${kind?.name ?? 'the source code manager'} before it replaces the current one.`}
      </p>
      {needsTokenAgain(connection) ? (
        <p className="notice notice-warning" role="status">
          The stored token can no longer be read: paste the token again.
        </p>
      ) : null}
      <TextField label="Name" autoComplete="off" {...bound(form.field('name'))} />
      {selfManaged ? (
        <TextField
          label={field('baseUrl')?.label ?? 'URL'}
          type="url"
          autoComplete="off"
          {...bound(form.field('baseUrl'))}
        />
      ) : null}
      {appBased ? null : (
        <TextField
          label={`New ${tokenLabel}`}
          type="password"
          autoComplete="off"
          spellCheck={false}
          {...bound(form.field('token'))}
        />
      )}
      {selfManaged ? (
        <>
          <CaCertificateField
            value={ca.value}
            error={ca.error}
            onChange={(value) => form.set('caPem', value)}
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
      {form.busy ? (
        <p className="muted" role="status">
          Checking with {kind?.name ?? 'the source code manager'}…
        </p>
      ) : null}
      <FormError message={form.error} />
    </FormDialog>
  );
};
