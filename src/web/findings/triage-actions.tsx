import { useEffect, useRef, useState } from 'react';
import type { Finding, IgnoreReason } from '../api/finding-schemas.js';
import { FormError } from '../components/form-error.js';
import { useSubmit } from '../lib/use-submit.js';
import { IgnoreDialog } from './ignore-dialog.js';

export interface TriageActionsProps {
  readonly finding: Finding;
  readonly ignore: (reason: IgnoreReason, note: string) => Promise<void>;
  readonly reopen: () => Promise<void>;
}

/**
 * Ignore (with a reason and a note) a finding that is not ignored; Reopen one that is. After either, the focus
 * stays on the one button, which now offers the other.
 */
export const TriageActions = ({ finding, ignore, reopen }: TriageActionsProps) => {
  const [ignoring, setIgnoring] = useState(false);
  const reopening = useSubmit(reopen, 'Could not reopen the finding.', { reusable: true });
  const button = useRef<HTMLButtonElement>(null);
  const ignored = Boolean(finding.ignored);
  const first = useRef(true);

  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    button.current?.focus();
  }, [ignored]);

  return (
    <div className="triage">
      <button
        ref={button}
        type="button"
        className="button"
        disabled={reopening.busy}
        onClick={ignored ? reopening.run : () => setIgnoring(true)}
      >
        {ignored ? (reopening.busy ? 'Reopening…' : 'Reopen') : 'Ignore…'}
      </button>
      <FormError message={reopening.error} />
      {ignoring ? (
        <IgnoreDialog finding={finding} onIgnore={ignore} onClose={() => setIgnoring(false)} />
      ) : null}
    </div>
  );
};
