import { useApi } from '../api/api-context.js';
import type { Session } from '../api/schemas.js';
import { FormDialog } from '../components/form-dialog.js';
import { TextField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import { accountRules } from '../forms/account-rules.js';
import { useForm } from '../forms/use-form.js';

export interface CreateAccountDialogProps {
  readonly onClose: () => void;
  /** Gets the session switched to the new account. */
  readonly onCreated: (session: Session) => void;
}

const rules = { name: accountRules.accountName };

/** Creates an account (the user becomes its admin) and switches to it. */
export const CreateAccountDialog = ({ onClose, onCreated }: CreateAccountDialogProps) => {
  const api = useApi();
  const form = useForm(
    rules,
    {},
    async ({ name = '' }) => {
      const account = await api.createAccount(name);
      onCreated(await api.switchAccount(account.id));
    },
    'Could not create the account.',
  );

  return (
    <FormDialog
      title="Create account"
      onClose={onClose}
      form={form}
      submitLabel="Create account"
      busyLabel="Creating…"
    >
      <p className="muted">
        An account holds its own source code managers, members and API tokens. You become its admin.
      </p>
      <TextField label="Account name" autoComplete="off" required {...form.field('name')} />
      <FormError message={form.error} />
    </FormDialog>
  );
};
