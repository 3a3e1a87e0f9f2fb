import type { RoleMapping } from '../api/membership-client.js';
import { roleOptions } from '../components/fields.js';
import { defaultRoleMapping, scmRoleLabel } from './membership-display.js';

export interface RoleMappingEditorProps {
  /** "GitHub", "GitLab": whose roles are mapped. */
  readonly scmName: string;
  readonly scmRoles: readonly string[];
  /** `null` while the mapping is off (every new member gets the default role). */
  readonly value: RoleMapping | null;
  readonly onChange: (value: RoleMapping | null) => void;
  readonly disabled?: boolean;
}

/** The opt-in mapping of SCM roles to account roles: a switch, then one role select per SCM role. */
export const RoleMappingEditor = ({
  scmName,
  scmRoles,
  value,
  onChange,
  disabled,
}: RoleMappingEditorProps) => (
  <fieldset className="role-mapping" disabled={disabled}>
    <legend className="visually-hidden">Role mapping</legend>
    <label className="checkbox">
      <input
        type="checkbox"
        role="switch"
        checked={value !== null}
        onChange={(event) => onChange(event.target.checked ? defaultRoleMapping(scmRoles) : null)}
      />
      Give roles from {scmName} (role mapping)
    </label>
    <p className="field-help">
      {value
        ? `Each member’s role here follows their role in ${scmName}, at every sign-in and reconciliation; roles of managed members are not changed by hand.`
        : 'Off: new members get the default role; admins change roles here.'}
    </p>
    {value ? (
      <table className="table" aria-label={`Roles from ${scmName}`}>
        <thead>
          <tr>
            <th scope="col">{scmName} role</th>
            <th scope="col">Role here</th>
          </tr>
        </thead>
        <tbody>
          {scmRoles.map((scmRole) => (
            <tr key={scmRole}>
              <td>{scmRoleLabel(scmRole)}</td>
              <td>
                <select
                  aria-label={`Role here of ${scmName} ${scmRoleLabel(scmRole)}`}
                  value={value[scmRole] ?? 'member'}
                  onChange={(event) =>
                    onChange({ ...value, [scmRole]: event.target.value === 'admin' ? 'admin' : 'member' })
                  }
                >
                  {roleOptions.map((option) => (
                    <option key={option.value} value={option.value}>
                      {option.label}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    ) : null}
  </fieldset>
);
