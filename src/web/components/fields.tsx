import {
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';
import { withInlineCode } from '../lib/inline-code.js';

/** What every field takes besides its control's own attributes. */
interface FieldTextProps {
  readonly label: string;
  /** Hint under the control: what to type and its limits, said before anything is typed. */
  readonly help?: ReactNode;
  /** What is wrong with the value, shown next to the field and announced; marks the control invalid. */
  readonly error?: string | undefined;
}

/** The attributes that tie a control to its hint and error. */
interface ControlLinks {
  readonly id: string;
  readonly 'aria-describedby': string | undefined;
  readonly 'aria-invalid': true | undefined;
}

interface FieldFrameProps extends FieldTextProps {
  readonly id: string | undefined;
  readonly children: (links: ControlLinks) => ReactNode;
}

/** The label, the control, the hint under it and, when the value is refused, the reason. */
const FieldFrame = ({ label, help, error, id, children }: FieldFrameProps) => {
  const generated = useId();
  const controlId = id ?? generated;
  const helpId = help ? `${controlId}-help` : undefined;
  const errorId = error ? `${controlId}-error` : undefined;
  const describedBy = [helpId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label htmlFor={controlId}>{label}</label>
      {children({ id: controlId, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined })}
      {help ? (
        <p className="field-help" id={helpId}>
          {help}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={errorId} role="alert">
          {withInlineCode(error)}
        </p>
      ) : null}
    </div>
  );
};

type TextFieldProps = InputHTMLAttributes<HTMLInputElement> & FieldTextProps;

/** A labelled input with optional hint and error text under it. */
export const TextField = ({ label, help, error, id, ...input }: TextFieldProps) => (
  <FieldFrame label={label} help={help} error={error} id={id}>
    {(links) => <input {...input} {...links} />}
  </FieldFrame>
);

type TextAreaFieldProps = TextareaHTMLAttributes<HTMLTextAreaElement> & FieldTextProps;

/** A labelled multi-line input (a PEM certificate) with optional hint and error text under it. */
export const TextAreaField = ({ label, help, error, id, ...textarea }: TextAreaFieldProps) => (
  <FieldFrame label={label} help={help} error={error} id={id}>
    {(links) => <textarea {...textarea} {...links} />}
  </FieldFrame>
);

type SelectFieldProps = SelectHTMLAttributes<HTMLSelectElement> &
  FieldTextProps & {
    readonly options: readonly { readonly value: string; readonly label: string }[];
  };

export const SelectField = ({ label, help, error, options, id, ...select }: SelectFieldProps) => (
  <FieldFrame label={label} help={help} error={error} id={id}>
    {(links) => (
      <select {...select} {...links}>
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
