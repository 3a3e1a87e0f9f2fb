import { useId, type ReactNode } from 'react';
import type { FormState } from '../forms/use-form.js';
import { Dialog } from './dialog.js';

export interface FormDialogProps {
  readonly title: ReactNode;
  readonly onClose: () => void;
  readonly form: Pick<FormState, 'busy' | 'formRef' | 'onSubmit'>;
  /** The submit button's label, and its label while the form is being sent. */
  readonly submitLabel: string;
  readonly busyLabel: string;
  readonly children: ReactNode;
}

/** A dialog that is one form: its fields, and Cancel and the submit button at the bottom. */
export const FormDialog = ({ title, onClose, form, submitLabel, busyLabel, children }: FormDialogProps) => {
  const formId = useId();
  return (
    <Dialog
      title={title}
      onClose={onClose}
      actions={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          {/* Not disabled while busy: a disabled button drops the focus out of the dialog. */}
          <button type="submit" form={formId} className="button button-primary" aria-disabled={form.busy}>
            {form.busy ? busyLabel : submitLabel}
          </button>
        </>
      }
    >
      <form
        id={formId}
        ref={form.formRef}
        className="form"
        noValidate
        aria-busy={form.busy}
        onSubmit={form.onSubmit}
      >
        {children}
      </form>
    </Dialog>
  );
};
