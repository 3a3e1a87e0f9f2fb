import type { ReactNode } from 'react';
import { useSubmit } from '../lib/use-submit.js';
import { Dialog } from './dialog.js';
import { FormError } from './form-error.js';

export interface ConfirmDialogProps {
  readonly title: string;
  readonly children: ReactNode;
  /** The label of the button that does it, e.g. "Remove member". */
  readonly confirmLabel: string;
  /** Runs the action; a thrown error is shown in the dialog, which then stays open. */
  readonly onConfirm: () => Promise<void>;
  readonly onClose: () => void;
}

/** Asks before a destructive action and shows its error, if any, in place. */
export const ConfirmDialog = ({ title, children, confirmLabel, onConfirm, onClose }: ConfirmDialogProps) => {
  const { busy, error, run } = useSubmit(async () => {
    await onConfirm();
    onClose();
  }, 'Something went wrong.');

  return (
    <Dialog
      title={title}
      onClose={onClose}
      actions={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="button button-danger" disabled={busy} onClick={run}>
            {confirmLabel}
          </button>
        </>
      }
    >
      {children}
      <FormError message={error} />
    </Dialog>
  );
};
