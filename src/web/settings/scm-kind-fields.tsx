import type { ScmKind } from '../../core/scm-kinds.js';
import { TextField } from '../components/fields.js';
import type { FieldBinding } from '../forms/use-form.js';
import { withInlineCode } from '../lib/inline-code.js';

export interface ScmKindFieldsProps {
  readonly kind: ScmKind;
  readonly disabled?: boolean;
  /** The form's binding of each field (value, change, error, limits); without it the fields are empty. */
  readonly field?: (fieldId: string) => FieldBinding;
}

const inputType = (id: string, secret: boolean | undefined) =>
  secret ? 'password' : id === 'baseUrl' ? 'url' : id === 'email' ? 'email' : 'text';

/** The form fields a kind asks for, as listed in `scmKinds`; secrets are password inputs. */
export const ScmKindFields = ({ kind, disabled, field }: ScmKindFieldsProps) => {
  if (kind.fields.length === 0) {
    return (
      <p className="muted">
        Nothing to fill in: you install the app on {kind.name} and choose the organization and repositories
        there.
      </p>
    );
  }
  return (
    <div className="form">
      {kind.fields.map((definition) => {
        const binding = field?.(definition.id);
        const help =
          definition.help || binding?.help ? (
            <>
              {definition.help ? withInlineCode(definition.help) : null}
              {binding?.help ? <span className="field-limits">{binding.help}</span> : null}
            </>
          ) : undefined;
        return (
          <TextField
            key={definition.id}
            name={definition.id}
            label={definition.optional ? `${definition.label} (optional)` : definition.label}
            help={help}
            error={binding?.error}
            type={inputType(definition.id, definition.secret)}
            autoComplete={definition.secret ? 'off' : undefined}
            spellCheck={definition.secret ? false : undefined}
            required={!definition.optional}
            disabled={disabled}
            value={binding?.value ?? ''}
            onChange={binding?.onChange ?? (() => undefined)}
          />
        );
      })}
    </div>
  );
};
