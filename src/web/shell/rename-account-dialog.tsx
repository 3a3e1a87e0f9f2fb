import { useId } from 'react';
import { useApi } from '../api/api-context.js';
import type { AccountSummary, Session } from '../api/schemas.js';
import { Dialog } from '../components/dialog.js';
import { TextField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import { accountRules } from '../forms/account-rules.js';
import { useForm } from '../forms/use-form.js';

export interface RenameAccountDialogProps {
  readonly account: AccountSummary;
  readonly onClose: () => void;
  /** Gets the session read back after the rename, or `null` when it ended meanwhile. */
  readonly onRenamed: (session: Session | null) => void;
}

const rules = { name: accountRules.accountName };

/** Renames an account the user is an admin of; a refused name is explained next to the field. */
export const RenameAccountDialog = ({ account, onClose, onRenamed }: RenameAccountDialogProps) => {
  const api = useApi();
  const formId = useId();
  const form = useForm(
    rules,
    { name: account.name },
    async ({ name = '' }) => {
      await api.renameAccount(account.id, name);
      onRenamed(await api.currentSession());
    },
    'Could not rename the account.',
  );

  return (
    <Dialog
      title="Rename account"
      onClose={onClose}
      actions={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form={formId} className="button button-primary" disabled={form.busy}>
            {form.busy ? 'Saving…' : 'Save'}
          </button>
        </>
      }
    >
      <form id={formId} ref={form.formRef} className="form" noValidate onSubmit={form.onSubmit}>
        <TextField label="Account name" autoComplete="off" required {...form.field('name')} />
        <FormError message={form.error} />
      </form>
    </Dialog>
  );
};
