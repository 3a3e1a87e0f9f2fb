import { useState } from 'react';
import { FormError } from './form-error.js';

export interface CommentsSwitchProps {
  /** What the switch is about, for its accessible name: "acme/web-shop", "GitHub: acme". */
  readonly owner: string;
  readonly enabled: boolean;
  /** Admins switch; members see the state only. */
  readonly canChange: boolean;
  /** Saves the new state; resolves with the state the server answered. */
  readonly save: (enabled: boolean) => Promise<boolean>;
}

/** Whether pull request comments go to a connection's or a repository's pull requests. */
export const CommentsSwitch = ({ owner, enabled, canChange, save }: CommentsSwitchProps) => {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // What the server answered last, until the caller's data catches up with it.
  const [shown, setShown] = useState(enabled);
  const [given, setGiven] = useState(enabled);
  if (given !== enabled) {
    setGiven(enabled);
    setShown(enabled);
  }

  const change = async (next: boolean) => {
    setBusy(true);
    setError(null);
    try {
      setShown(await save(next));
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : 'Could not change the setting.');
    }
    setBusy(false);
  };

  if (!canChange) {
    return <p className="list-meta comments-state">Pull request comments: {shown ? 'on' : 'off'}</p>;
  }
  return (
    <>
      <label className="checkbox list-meta comments-switch">
        <input
          type="checkbox"
          role="switch"
          aria-label={`Pull request comments on ${owner}`}
          checked={shown}
          disabled={busy}
          onChange={(event) => void change(event.target.checked)}
        />
        Pull request comments {shown ? 'on' : 'off'}
      </label>
      <FormError message={error} />
    </>
  );
};
