import { useApi } from '../api/api-context.js';
import type { AccountSummary, Session } from '../api/schemas.js';
import { FormDialog } from '../components/form-dialog.js';
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
    <FormDialog title="Rename account" onClose={onClose} form={form} submitLabel="Save" busyLabel="Saving…">
      <TextField label="Account name" autoComplete="off" required {...form.field('name')} />
      <FormError message={form.error} />
    </FormDialog>
  );
};
