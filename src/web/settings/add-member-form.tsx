import { useState } from 'react';
import { useApi } from '../api/api-context.js';
import type { AddMemberResult, Role } from '../api/schemas.js';
import { roleOptions, SelectField, TextField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import { useSubmit } from '../lib/use-submit.js';

export interface AddMemberFormProps {
  readonly accountId: string;
  readonly onAdded: (result: AddMemberResult) => void;
}

/** Email and role: the person gets an invitation link to accept, whether or not they have a user here. */
export const AddMemberForm = ({ accountId, onAdded }: AddMemberFormProps) => {
  const api = useApi();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const { busy, error, onSubmit } = useSubmit(
    async () => {
      const result = await api.addMember(accountId, email.trim(), role);
      setEmail('');
      setRole('member');
      onAdded(result);
    },
    'Could not add the member.',
    { reusable: true },
  );

  return (
    <form className="form form-inline" onSubmit={onSubmit}>
      <TextField
        label="Email"
        type="email"
        name="memberEmail"
        autoComplete="off"
        required
        value={email}
        onChange={(event) => setEmail(event.target.value)}
      />
      <SelectField
        label="Role"
        name="memberRole"
        options={roleOptions}
        value={role}
        onChange={(event) => setRole(event.target.value === 'admin' ? 'admin' : 'member')}
      />
      <button type="submit" className="button button-primary" disabled={busy}>
        {busy ? 'Adding…' : 'Add member'}
      </button>
      <FormError message={error} />
    </form>
  );
};
