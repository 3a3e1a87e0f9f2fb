import { useState } from 'react';
import { useApi } from '../api/api-context.js';
import type { CreatedToken, Role } from '../api/schemas.js';
import { roleOptions, SelectField, TextField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import { accountRules } from '../forms/account-rules.js';
import { useForm } from '../forms/use-form.js';

export interface CreateTokenFormProps {
  readonly accountId: string;
  readonly onCreated: (created: CreatedToken) => void;
}

const rules = { name: accountRules.tokenName };

export const CreateTokenForm = ({ accountId, onCreated }: CreateTokenFormProps) => {
  const api = useApi();
  const [role, setRole] = useState<Role>('member');
  const form = useForm(
    rules,
    {},
    async ({ name = '' }) => {
      const created = await api.createToken(accountId, name, role);
      setRole('member');
      onCreated(created);
    },
    'Could not create the token.',
    { reusable: true },
  );

  return (
    <form ref={form.formRef} className="form form-inline" noValidate onSubmit={form.onSubmit}>
      <TextField
        label="Token name"
        autoComplete="off"
        required
        placeholder="e.g. CI upload"
        {...form.field('name')}
      />
      <SelectField
        label="Role"
        name="tokenRole"
        options={roleOptions}
        value={role}
        onChange={(event) => setRole(event.target.value === 'admin' ? 'admin' : 'member')}
      />
      <button type="submit" className="button button-primary" disabled={form.busy}>
        {form.busy ? 'Creating…' : 'Create token'}
      </button>
      <FormError message={form.error} />
    </form>
  );
};
