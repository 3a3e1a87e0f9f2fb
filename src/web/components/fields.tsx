import {
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';

interface FieldFrameProps {
  readonly label: string;
  readonly help?: ReactNode;
  readonly id: string | undefined;
  /** Renders the control with the id its label points at and the id of the help text, if any. */
  readonly children: (controlId: string, helpId: string | undefined) => ReactNode;
}

/** The label, the control and the optional help text under it. */
const FieldFrame = ({ label, help, id, children }: FieldFrameProps) => {
  const generated = useId();
  const controlId = id ?? generated;
  const helpId = help ? `${controlId}-help` : undefined;
  return (
    <div className="field">
      <label htmlFor={controlId}>{label}</label>
      {children(controlId, helpId)}
      {help ? (
        <p className="field-help" id={helpId}>
          {help}
        </p>
      ) : null}
    </div>
  );
};

type TextFieldProps = InputHTMLAttributes<HTMLInputElement> & {
  readonly label: string;
  readonly help?: ReactNode;
};

/** A labelled input with optional help text under it. */
export const TextField = ({ label, help, id, ...input }: TextFieldProps) => (
  <FieldFrame label={label} help={help} id={id}>
    {(inputId, helpId) => <input id={inputId} aria-describedby={helpId} {...input} />}
  </FieldFrame>
);

type TextAreaFieldProps = TextareaHTMLAttributes<HTMLTextAreaElement> & {
  readonly label: string;
  readonly help?: ReactNode;
};

/** A labelled multi-line input (a PEM certificate) with optional help text under it. */
export const TextAreaField = ({ label, help, id, ...textarea }: TextAreaFieldProps) => (
  <FieldFrame label={label} help={help} id={id}>
    {(textareaId, helpId) => <textarea id={textareaId} aria-describedby={helpId} {...textarea} />}
  </FieldFrame>
);

type SelectFieldProps = SelectHTMLAttributes<HTMLSelectElement> & {
  readonly label: string;
  readonly options: readonly { readonly value: string; readonly label: string }[];
};

export const SelectField = ({ label, options, id, ...select }: SelectFieldProps) => (
  <FieldFrame label={label} id={id}>
    {(selectId) => (
      <select id={selectId} {...select}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    )}
  </FieldFrame>
);

export const roleOptions = [
  { value: 'member', label: 'Member' },
  { value: 'admin', label: 'Admin' },
] as const;
