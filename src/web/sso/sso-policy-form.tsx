import { useState } from 'react';
import { useApi } from '../api/api-context.js';
import type { Member } from '../api/schemas.js';
import type { SsoPolicy } from '../api/sso-client.js';
import { SelectField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import { useSubmit } from '../lib/use-submit.js';

export interface SsoPolicyFormProps {
  readonly accountId: string;
  readonly policy: SsoPolicy;
  readonly members: readonly Member[];
  /** Whether a provider is active: requiring SSO needs one. */
  readonly hasActiveProvider: boolean;
  readonly onSaved: (notice: string) => void;
}

/** Require SSO for everyone in the account, except one break-glass admin who keeps their password. */
export const SsoPolicyForm = ({
  accountId,
  policy,
  members,
  hasActiveProvider,
  onSaved,
}: SsoPolicyFormProps) => {
  const api = useApi();
  const [requireSso, setRequireSso] = useState(policy.requireSso);
  const [breakGlass, setBreakGlass] = useState(policy.breakGlassUserId ?? '');
  const admins = members.filter((member) => member.role === 'admin' && !member.managed);
  const save = useSubmit(
    async () => {
      await api.saveSsoPolicy(accountId, { requireSso, breakGlassUserId: breakGlass || null });
      onSaved(
        requireSso
          ? 'Single sign-on is required: other sign-ins no longer reach this account, except the break-glass admin’s.'
          : 'Single sign-on is no longer required.',
      );
    },
    'Could not save the policy.',
    { reusable: true },
  );
  return (
    <form className="form" aria-label="Single sign-on policy" onSubmit={save.onSubmit}>
      <label className="checkbox">
        <input
          type="checkbox"
          role="switch"
          checked={requireSso}
          onChange={(event) => setRequireSso(event.target.checked)}
        />
        Require single sign-on for everyone in this account
      </label>
      <p className="field-help">
        {hasActiveProvider
          ? 'People who signed in with a password, GitHub or GitLab are refused in this account until they sign in with SSO.'
          : 'Activate a provider first: requiring SSO needs one.'}
      </p>
      <SelectField
        label="Break-glass admin"
        name="breakGlassUserId"
        options={[
          { value: '', label: 'None' },
          ...admins.map((admin) => ({ value: admin.userId, label: `${admin.name} (${admin.email})` })),
        ]}
        value={breakGlass}
        onChange={(event) => setBreakGlass(event.target.value)}
        help="An admin of this account who signs in with a password: they keep access if the identity provider fails. Required when SSO is required."
      />
      <FormError message={save.error} />
      <div>
        <button type="submit" className="button button-primary" aria-disabled={save.busy}>
          {save.busy ? 'Saving…' : 'Save policy'}
        </button>
      </div>
    </form>
  );
};
