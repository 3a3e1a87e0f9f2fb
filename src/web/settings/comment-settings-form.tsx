import { useState } from 'react';
import { useApi } from '../api/api-context.js';
import type { CommentSettings } from '../api/comment-settings-client.js';
import { severities, type Severity } from '../api/finding-schemas.js';
import { TextField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import { useForm } from '../forms/use-form.js';
import type { FieldRule } from '../forms/field-rules.js';
import { severityLabels } from '../findings/finding-display.js';

const thresholdRule: FieldRule = {
  name: 'Rule threshold',
  missing: 'enter a whole number from 1 to 1000, e.g. 5',
  format: {
    test: (value) => /^\d{1,4}$/.test(value) && Number(value) >= 1 && Number(value) <= 1000,
    message: 'enter a whole number from 1 to 1000',
  },
  hint: 'A rule that fires more times than this in one pull request is listed in the summary comment instead of inline (1 to 1000).',
};

const rules = { ruleThreshold: thresholdRule };

export interface CommentSettingsFormProps {
  readonly accountId: string;
  readonly settings: CommentSettings;
  readonly onSaved: (saved: CommentSettings) => void;
}

/** The rule threshold and the blocking severities, saved together. */
export const CommentSettingsForm = ({ accountId, settings, onSaved }: CommentSettingsFormProps) => {
  const api = useApi();
  const [blocking, setBlocking] = useState<readonly Severity[]>(settings.blockingSeverities);
  const form = useForm(
    rules,
    { ruleThreshold: String(settings.ruleThreshold) },
    async ({ ruleThreshold = '' }) => {
      const saved = await api.saveCommentSettings(accountId, {
        ruleThreshold: Number(ruleThreshold),
        blockingSeverities: severities.filter((severity) => blocking.includes(severity)),
      });
      onSaved(saved);
    },
    'Could not save the settings.',
    { reusable: false },
  );

  const toggle = (severity: Severity, on: boolean) =>
    setBlocking((current) => (on ? [...current, severity] : current.filter((item) => item !== severity)));

  return (
    <form ref={form.formRef} className="form comment-settings-form" noValidate onSubmit={form.onSubmit}>
      <TextField
        label="Rule threshold"
        inputMode="numeric"
        autoComplete="off"
        required
        {...form.field('ruleThreshold')}
      />
      <fieldset className="field">
        <legend>Blocking severities</legend>
        <p className="field-help" id="blocking-help">
          Open findings of these severities in a pull request make scm-connect&apos;s commit status fail. None
          checked: the status never fails.
        </p>
        <div className="checkbox-row" aria-describedby="blocking-help">
          {severities.map((severity) => (
            <label key={severity} className="checkbox">
              <input
                type="checkbox"
                name="blockingSeverities"
                value={severity}
                checked={blocking.includes(severity)}
                onChange={(event) => toggle(severity, event.target.checked)}
              />
              {severityLabels[severity]}
            </label>
          ))}
        </div>
      </fieldset>
      <button type="submit" className="button button-primary" disabled={form.busy}>
        {form.busy ? 'Saving…' : 'Save'}
      </button>
      <FormError message={form.error} />
    </form>
  );
};
