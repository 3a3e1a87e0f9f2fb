import { useId, useRef, useState } from 'react';

export interface SecretOnceProps {
  readonly label: string;
  readonly value: string;
}

/**
 * A value the server gives once (an API token, an invitation link): read-only, selectable, with a copy
 * button. It lives only in this component's props, never in storage.
 */
export const SecretOnce = ({ label, value }: SecretOnceProps) => {
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
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" className="button" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <p className="field-help" aria-live="polite">
        {status}
      </p>
    </div>
  );
};
