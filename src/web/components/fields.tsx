import {
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';

type TextFieldProps = InputHTMLAttributes<HTMLInputElement> & {
  readonly label: string;
  readonly help?: ReactNode;
};

/** A labelled input with optional help text under it. */
export const TextField = ({ label, help, id, ...input }: TextFieldProps) => {
  const generated = useId();
  const inputId = id ?? generated;
  const helpId = `${inputId}-help`;
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      <input id={inputId} aria-describedby={help ? helpId : undefined} {...input} />
      {help ? (
        <p className="field-help" id={helpId}>
          {help}
        </p>
      ) : null}
    </div>
  );
};

type TextAreaFieldProps = TextareaHTMLAttributes<HTMLTextAreaElement> & {
  readonly label: string;
  readonly help?: ReactNode;
};

/** A labelled multi-line input (a PEM certificate) with optional help text under it. */
export const TextAreaField = ({ label, help, id, ...textarea }: TextAreaFieldProps) => {
  const generated = useId();
  const textareaId = id ?? generated;
  const helpId = `${textareaId}-help`;
  return (
    <div className="field">
      <label htmlFor={textareaId}>{label}</label>
      <textarea id={textareaId} aria-describedby={help ? helpId : undefined} {...textarea} />
      {help ? (
        <p className="field-help" id={helpId}>
          {help}
        </p>
      ) : null}
    </div>
  );
};

type SelectFieldProps = SelectHTMLAttributes<HTMLSelectElement> & {
  readonly label: string;
  readonly options: readonly { readonly value: string; readonly label: string }[];
};

export const SelectField = ({ label, options, id, ...select }: SelectFieldProps) => {
  const generated = useId();
  const selectId = id ?? generated;
  return (
    <div className="field">
      <label htmlFor={selectId}>{label}</label>
      <select id={selectId} {...select}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
};

export const roleOptions = [
  { value: 'member', label: 'Member' },
  { value: 'admin', label: 'Admin' },
] as const;
