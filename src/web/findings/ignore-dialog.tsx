import { useId, useState } from 'react';
import { ignoreReasons, type Finding, type IgnoreReason } from '../api/finding-schemas.js';
import { TextAreaField } from '../components/fields.js';
import { FormDialog } from '../components/form-dialog.js';
import { FormError } from '../components/form-error.js';
import { useForm } from '../forms/use-form.js';
import { ignoreReasonHints, ignoreReasonLabels } from './finding-display.js';

/** The longest note the page sends with a triage. */
export const maxNoteLength = 2_000;

const rules = {
  note: {
    name: 'Note',
    optional: true,
    missing: 'say why',
    maxLength: maxNoteLength,
    hint: `Why, for whoever looks next (up to ${maxNoteLength.toLocaleString('en-US')} characters). It is kept in the history.`,
  },
};

export interface IgnoreDialogProps {
  readonly onIgnore: (reason: IgnoreReason, note: string) => Promise<void>;
  readonly onClose: () => void;
  readonly finding: Pick<Finding, 'ruleId'>;
}

/**
 * Ignore a finding with a reason (false positive, acceptable risk, other) and a note. It stays ignored in later
 * scans of the same finding until someone reopens it.
 */
export const IgnoreDialog = ({ onIgnore, onClose, finding }: IgnoreDialogProps) => {
  const [reason, setReason] = useState<IgnoreReason>('false_positive');
  const groupId = useId();
  const form = useForm(
    rules,
    {},
    async ({ note = '' }) => {
      await onIgnore(reason, note);
      onClose();
    },
    'Could not ignore the finding.',
  );
  return (
    <FormDialog
      title="Ignore this finding"
      onClose={onClose}
      form={form}
      submitLabel="Ignore finding"
      busyLabel="Ignoring…"
    >
      <p className="muted">
        An ignored finding leaves the open findings of <code>{finding.ruleId}</code> and stays ignored in
        later scans, until someone reopens it.
      </p>
      <fieldset className="field radio-group" aria-describedby={`${groupId}-hint`}>
        <legend>Reason</legend>
        {ignoreReasons.map((value) => (
          <label key={value} className="radio">
            <input
              type="radio"
              name="reason"
              value={value}
              checked={reason === value}
              onChange={() => setReason(value)}
            />
            <span>
              {ignoreReasonLabels[value]}
              <span className="field-help radio-hint">{ignoreReasonHints[value]}</span>
            </span>
          </label>
        ))}
        <p id={`${groupId}-hint`} className="visually-hidden">
          Pick why the finding does not need a fix.
        </p>
      </fieldset>
      <TextAreaField label="Note (optional)" rows={3} {...form.field('note')} />
      <FormError message={form.error} />
    </FormDialog>
  );
};
