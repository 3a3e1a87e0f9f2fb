import { useId, useState } from 'react';
import { useApi } from '../api/api-context.js';
import type { AccountSummary, Session } from '../api/schemas.js';
import { Dialog } from '../components/dialog.js';
import { TextField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import { useSubmit } from '../lib/use-submit.js';

export interface RenameAccountDialogProps {
  readonly account: AccountSummary;
  readonly onClose: () => void;
  /** Gets the session read back after the rename, or `null` when it ended meanwhile. */
  readonly onRenamed: (session: Session | null) => void;
}

/** Renames an account the user is an admin of; the server's refusal shows under the field. */
export const RenameAccountDialog = ({ account, onClose, onRenamed }: RenameAccountDialogProps) => {
  const api = useApi();
  const [name, setName] = useState(account.name);
  const formId = useId();
  const errorId = useId();

  const { busy, error, onSubmit } = useSubmit(async () => {
    await api.renameAccount(account.id, name.trim());
    onRenamed(await api.currentSession());
  }, 'Could not rename the account.');

  return (
    <Dialog
      title="Rename account"
      onClose={onClose}
      actions={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form={formId} className="button button-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </>
      }
    >
      <form id={formId} className="form" onSubmit={onSubmit}>
        <TextField
          label="Account name"
          name="accountName"
          required
          value={name}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          onChange={(event) => setName(event.target.value)}
        />
        <div id={errorId}>
          <FormError message={error} />
        </div>
      </form>
    </Dialog>
  );
};
