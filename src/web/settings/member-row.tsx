import type { MembershipSource } from '../api/membership-client.js';
import type { Member, Role } from '../api/schemas.js';
import { roleOptions } from '../components/fields.js';
import { RowRemoveCell } from '../components/row-actions.js';
import { formatDate, formatDateTime, roleLabel } from '../lib/format.js';
import { managedReasons, scmName, scmRoleLabel } from './membership-display.js';

export interface MemberRowProps {
  readonly member: Member;
  readonly isYou: boolean;
  readonly isAdmin: boolean;
  /** The account's membership source: its members are shown as managed, and not edited by hand. */
  readonly source: Pick<MembershipSource, 'kind' | 'label' | 'roleMapping'> | null;
  readonly onRoleChange: (member: Member, role: Role) => void;
  readonly onRemove: (member: Member) => void;
}

/**
 * One member of Settings > Members. A member the membership source manages carries a badge and their SCM role;
 * for an admin, its Remove (and, while a role mapping is on, its role) is disabled, with the reason.
 */
export const MemberRow = ({ member, isYou, isAdmin, source, onRoleChange, onRemove }: MemberRowProps) => {
  const reasons = member.managed && source ? managedReasons(source) : null;
  const reasonId = `managed-${member.userId}`;
  return (
    <tr>
      <td data-label="Name">
        {member.name}
        {isYou ? <span className="muted"> (you)</span> : null}
        {reasons && source ? (
          <>
            {' '}
            <span className="badge badge-managed">Managed by {scmName(source.kind)}</span>
            {member.scmRole ? (
              <span className="list-meta">
                {' '}
                {scmRoleLabel(member.scmRole)} on {scmName(source.kind)}
              </span>
            ) : null}
          </>
        ) : null}
        {reasons && isAdmin ? (
          <span className="visually-hidden" id={`${reasonId}-remove`}>
            {reasons.remove}
          </span>
        ) : null}
      </td>
      <td data-label="Email">{member.email}</td>
      <td data-label="Role">
        {isAdmin ? (
          <>
            <select
              aria-label={`Role of ${member.name}`}
              value={member.role}
              disabled={reasons?.role != null}
              title={reasons?.role ?? undefined}
              aria-describedby={reasons?.role ? `${reasonId}-role` : undefined}
              onChange={(event) => onRoleChange(member, event.target.value === 'admin' ? 'admin' : 'member')}
            >
              {roleOptions.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
            {reasons?.role ? (
              <p className="list-meta managed-reason" id={`${reasonId}-role`}>
                {reasons.role}
              </p>
            ) : null}
          </>
        ) : (
          roleLabel(member.role)
        )}
      </td>
      <td data-label="Joined" title={formatDateTime(member.joinedAt)}>
        {formatDate(member.joinedAt)}
      </td>
      {isAdmin && reasons ? (
        <td className="cell-actions">
          <button
            type="button"
            className="button button-small button-danger-quiet"
            aria-label={`Remove ${member.name}`}
            aria-describedby={`${reasonId}-remove`}
            title={reasons.remove}
            disabled
          >
            Remove
          </button>
        </td>
      ) : null}
      {isAdmin && !reasons ? (
        <RowRemoveCell action="Remove" name={member.name} onClick={() => onRemove(member)} />
      ) : null}
    </tr>
  );
};
