import { useState, type FormEvent } from 'react';
import { useApi } from '../api/api-context.js';
import type { AddMemberResult, Role } from '../api/schemas.js';
import { roleOptions, SelectField, TextField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';

export interface AddMemberFormProps {
  readonly accountId: string;
  readonly onAdded: (result: AddMemberResult) => void;
}

/** Email and role: an existing user joins at once, anyone else gets an invitation link. */
export const AddMemberForm = ({ accountId, onAdded }: AddMemberFormProps) => {
  const api = useApi();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await api.addMember(accountId, email.trim(), role);
      setEmail('');
      setRole('member');
      onAdded(result);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : 'Could not add the member.');
    }
    setBusy(false);
  };

  return (
    <form className="form form-inline" onSubmit={(event) => void submit(event)}>
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
