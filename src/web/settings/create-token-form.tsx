import { useState } from 'react';
import { useApi } from '../api/api-context.js';
import { tokenRoleSchema, type CreatedToken, type TokenRole } from '../api/schemas.js';
import { SelectField, TextField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import { accountRules } from '../forms/account-rules.js';
import { useForm } from '../forms/use-form.js';

export interface CreateTokenFormProps {
  readonly accountId: string;
  readonly onCreated: (created: CreatedToken) => void;
}

const rules = { name: accountRules.tokenName };

const tokenRoleOptions: readonly { readonly value: TokenRole; readonly label: string }[] = [
  { value: 'member', label: 'Member' },
  { value: 'admin', label: 'Admin' },
  { value: 'scan-upload', label: 'Scan upload (CI: can only upload scans)' },
];

const parseTokenRole = (value: string): TokenRole => {
  const parsed = tokenRoleSchema.safeParse(value);
  return parsed.success ? parsed.data : 'member';
};

export const CreateTokenForm = ({ accountId, onCreated }: CreateTokenFormProps) => {
  const api = useApi();
  const [role, setRole] = useState<TokenRole>('member');
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
        options={tokenRoleOptions}
        value={role}
        onChange={(event) => setRole(parseTokenRole(event.target.value))}
      />
      <button type="submit" className="button button-primary" disabled={form.busy}>
        {form.busy ? 'Creating…' : 'Create token'}
      </button>
      <FormError message={form.error} />
    </form>
  );
};
