import type { ScmKind } from '../../core/scm-kinds.js';
import { TextField } from '../components/fields.js';
import { withInlineCode } from '../lib/inline-code.js';

export interface ScmKindFieldsProps {
  readonly kind: ScmKind;
  readonly disabled?: boolean;
  readonly values?: Readonly<Record<string, string>>;
  readonly onChange?: (fieldId: string, value: string) => void;
}

/** The form fields a kind asks for, as listed in `scmKinds`; secrets are password inputs. */
export const ScmKindFields = ({ kind, disabled, values, onChange }: ScmKindFieldsProps) => {
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
      {kind.fields.map((field) => (
        <TextField
          key={field.id}
          name={field.id}
          label={field.optional ? `${field.label} (optional)` : field.label}
          help={field.help ? withInlineCode(field.help) : undefined}
          type={
            field.secret
              ? 'password'
              : field.id === 'baseUrl'
                ? 'url'
                : field.id === 'email'
                  ? 'email'
                  : 'text'
          }
          autoComplete={field.secret ? 'off' : undefined}
          required={!field.optional}
          disabled={disabled}
          value={values?.[field.id] ?? ''}
          onChange={(event) => onChange?.(field.id, event.target.value)}
        />
      ))}
    </div>
  );
};
