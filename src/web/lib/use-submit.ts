import { useState, type FormEvent } from 'react';

export interface SubmitState {
  readonly busy: boolean;
  readonly error: string | null;
  /** Runs the action once; the error of a failed run replaces the previous one. */
  readonly run: () => void;
  /** A form's `onSubmit`: stops the browser's own submit, then runs the action. */
  readonly onSubmit: (event: FormEvent<HTMLFormElement>) => void;
}

export interface SubmitOptions {
  /** The form stays on screen for another submit, so it is idle again after a success. */
  readonly reusable?: boolean;
}

/**
 * Busy and error state of an action that calls the server: busy while it runs, and a thrown Error's
 * message (else `fallback`) as the error. Without `reusable` it stays busy after a success, since the
 * page or dialog is about to go away.
 */
export const useSubmit = (
  action: () => Promise<void>,
  fallback: string,
  { reusable = false }: SubmitOptions = {},
): SubmitState => {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const execute = async () => {
    setBusy(true);
    setError(null);
    try {
      await action();
      if (reusable) setBusy(false);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : fallback);
      setBusy(false);
    }
  };

  return {
    busy,
    error,
    run: () => void execute(),
    onSubmit: (event) => {
      event.preventDefault();
      void execute();
    },
  };
};
