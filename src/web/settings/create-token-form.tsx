import { useState } from 'react';
import { useApi } from '../api/api-context.js';
import type { CreatedToken, Role } from '../api/schemas.js';
import { roleOptions, SelectField, TextField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import { useSubmit } from '../lib/use-submit.js';

export interface CreateTokenFormProps {
  readonly accountId: string;
  readonly onCreated: (created: CreatedToken) => void;
}

export const CreateTokenForm = ({ accountId, onCreated }: CreateTokenFormProps) => {
  const api = useApi();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('member');
  const { busy, error, onSubmit } = useSubmit(
    async () => {
      const created = await api.createToken(accountId, name.trim(), role);
      setName('');
      setRole('member');
      onCreated(created);
    },
    'Could not create the token.',
    { reusable: true },
  );

  return (
    <form className="form form-inline" onSubmit={onSubmit}>
      <TextField
        label="Token name"
        name="tokenName"
        autoComplete="off"
        required
        placeholder="e.g. CI upload"
        value={name}
        onChange={(event) => setName(event.target.value)}
      />
      <SelectField
        label="Role"
        name="tokenRole"
        options={roleOptions}
        value={role}
        onChange={(event) => setRole(event.target.value === 'admin' ? 'admin' : 'member')}
      />
      <button type="submit" className="button button-primary" disabled={busy}>
        {busy ? 'Creating…' : 'Create token'}
      </button>
      <FormError message={error} />
    </form>
  );
};
