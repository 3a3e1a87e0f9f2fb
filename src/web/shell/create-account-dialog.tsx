import { useId, useState } from 'react';
import { useApi } from '../api/api-context.js';
import type { Session } from '../api/schemas.js';
import { Dialog } from '../components/dialog.js';
import { TextField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import { useSubmit } from '../lib/use-submit.js';

export interface CreateAccountDialogProps {
  readonly onClose: () => void;
  /** Gets the session switched to the new account. */
  readonly onCreated: (session: Session) => void;
}

/** Creates an account (the user becomes its admin) and switches to it. */
export const CreateAccountDialog = ({ onClose, onCreated }: CreateAccountDialogProps) => {
  const api = useApi();
  const [name, setName] = useState('');
  const formId = useId();

  const { busy, error, onSubmit } = useSubmit(async () => {
    const account = await api.createAccount(name.trim());
    onCreated(await api.switchAccount(account.id));
  }, 'Could not create the account.');

  return (
    <Dialog
      title="Create account"
      onClose={onClose}
      actions={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form={formId} className="button button-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create account'}
          </button>
        </>
      }
    >
      <form id={formId} className="form" onSubmit={onSubmit}>
        <p className="muted">
          An account holds its own source code managers, members and API tokens. You become its admin.
        </p>
        <TextField
          label="Account name"
          name="accountName"
          required
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
        <FormError message={error} />
      </form>
    </Dialog>
  );
};
