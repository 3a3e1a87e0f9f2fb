import { useState } from 'react';
import { useApi } from '../api/api-context.js';
import type { MembershipSettings, RoleMapping } from '../api/membership-client.js';
import type { Role } from '../api/schemas.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { roleOptions, SelectField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import { useSubmit } from '../lib/use-submit.js';
import { candidateKey, candidateLabel, scmName } from './membership-display.js';
import { RoleMappingEditor } from './role-mapping-editor.js';

export interface MembershipSourceFormProps {
  readonly accountId: string;
  readonly settings: MembershipSettings;
  /** After a change, with a line that says what happened: the settings are to be read again. */
  readonly onChanged: (notice: string) => void;
}

/**
 * An admin's choices: which organization or group manages membership (or none), its role mapping, and the
 * role new members get.
 */
export const MembershipSourceForm = ({ accountId, settings, onChanged }: MembershipSourceFormProps) => {
  const api = useApi();
  const { source, candidates } = settings;
  const [selected, setSelected] = useState(() =>
    source ? candidateKey(source) : candidates[0] ? candidateKey(candidates[0]) : '',
  );
  const [mapping, setMapping] = useState<RoleMapping | null>(source?.roleMapping ?? null);
  const [stopping, setStopping] = useState(false);
  const chosen = candidates.find((candidate) => candidateKey(candidate) === selected) ?? null;
  const isCurrent = source !== null && selected === candidateKey(source);

  const save = useSubmit(
    async () => {
      if (!chosen) throw new Error('Choose an organization or group first.');
      const next = await api.setMembershipSource(accountId, {
        connectionId: chosen.connectionId,
        organizationExternalId: chosen.organization.externalId,
        roleMapping: isCurrent ? mapping : null,
      });
      onChanged(
        isCurrent
          ? 'The membership source is saved; a reconciliation has started.'
          : `Membership is now managed by ${next.source?.label ?? candidateLabel(chosen)}; a reconciliation has started.`,
      );
    },
    'Could not save the membership source.',
    { reusable: true },
  );

  const [role, setRole] = useState<Role>(settings.defaultRole);
  const [roleBusy, setRoleBusy] = useState(false);
  const [roleError, setRoleError] = useState<string | null>(null);
  const changeDefaultRole = async (next: Role) => {
    const previous = role;
    setRole(next);
    setRoleBusy(true);
    setRoleError(null);
    try {
      await api.setDefaultRole(accountId, next);
      onChanged(`New members now join as ${next === 'admin' ? 'admins' : 'members'}.`);
    } catch (caught) {
      setRole(previous);
      setRoleError(caught instanceof Error ? caught.message : 'Could not change the default role.');
    }
    setRoleBusy(false);
  };

  return (
    <div className="membership-form">
      {candidates.length === 0 ? (
        <p className="muted">
          Connect a GitHub organization or a GitLab group under Source Code Managers first: its members can
          then be the members of this account.
        </p>
      ) : (
        <form className="form" onSubmit={save.onSubmit} aria-label="Membership source">
          <SelectField
            label="Organization or group that manages membership"
            name="membershipSource"
            options={candidates.map((candidate) => ({
              value: candidateKey(candidate),
              label: candidateLabel(candidate),
            }))}
            value={selected}
            onChange={(event) => setSelected(event.target.value)}
            help="Its members sign in with GitHub or GitLab and land in this account; outside collaborators, pending invitations and blocked users do not."
          />
          {source && isCurrent ? (
            <RoleMappingEditor
              scmName={scmName(source.kind)}
              scmRoles={source.scmRoles}
              value={mapping}
              onChange={setMapping}
            />
          ) : null}
          {source && !isCurrent ? (
            <p className="field-help">Save the new source first; then map its roles.</p>
          ) : null}
          <FormError message={save.error} />
          <div className="connection-actions">
            <button type="submit" className="button button-primary" aria-disabled={save.busy}>
              {save.busy ? 'Saving…' : source ? 'Save membership source' : 'Manage membership with it'}
            </button>
            {source ? (
              <button type="button" className="button button-danger-quiet" onClick={() => setStopping(true)}>
                Stop managing membership
              </button>
            ) : null}
          </div>
        </form>
      )}

      <div className="form">
        <SelectField
          label="Default role of new members"
          name="defaultRole"
          options={roleOptions}
          value={role}
          disabled={roleBusy}
          onChange={(event) => void changeDefaultRole(event.target.value === 'admin' ? 'admin' : 'member')}
          help="The role people get when they join from the membership source (unless the role mapping says otherwise)."
        />
        <FormError message={roleError} />
      </div>

      {stopping && source ? (
        <ConfirmDialog
          title="Stop managing membership"
          confirmLabel="Stop managing membership"
          onClose={() => setStopping(false)}
          onConfirm={async () => {
            await api.removeMembershipSource(accountId);
            onChanged(`${source.label} no longer manages membership; its members stay, as ordinary members.`);
          }}
        >
          <p>
            Stop taking this account’s members from <strong>{source.label}</strong>? The members it added
            stay, and admins manage them here by hand from then on.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
};
