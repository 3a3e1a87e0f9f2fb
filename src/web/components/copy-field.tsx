import { useId, useRef, useState, type ReactNode } from 'react';

export interface CopyFieldProps {
  readonly label: string;
  readonly value: string;
  /** Text under the value (what it is for); the outcome of a copy replaces it for a moment. */
  readonly help?: ReactNode;
}

/** A read-only value with a Copy button; the text is selected on focus, for copying by hand. */
export const CopyField = ({ label, value, help }: CopyFieldProps) => {
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState('');

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setStatus('Copied to the clipboard.');
    } catch {
      input.current?.select();
      setStatus('Copying is blocked here: the text is selected, press Ctrl+C (⌘C on a Mac).');
    }
  };

  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      <div className="secret-row">
        <input
          ref={input}
          id={inputId}
          className="secret-value"
          readOnly
          value={value}
          spellCheck={false}
          autoComplete="off"
          aria-describedby={help ? `${inputId}-help` : undefined}
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" className="button" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      {help ? (
        <p className="field-help" id={`${inputId}-help`}>
          {help}
        </p>
      ) : null}
      <p className="field-help" aria-live="polite">
        {status}
      </p>
    </div>
  );
};
