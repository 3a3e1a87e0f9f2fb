import { useState } from 'react';
import { useApi } from '../api/api-context.js';
import type { CiJobSettings, CiTriggers } from '../api/ci-job-schemas.js';
import { TextField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import type { FieldRule } from '../forms/field-rules.js';
import { useForm } from '../forms/use-form.js';

/** A container image reference, as the API accepts it. */
const imageRule = (name: string, missing: string, hint: string): FieldRule => ({
  name,
  missing,
  maxLength: 255,
  format: {
    test: (value) => /^[A-Za-z0-9][A-Za-z0-9._\-/:@]*$/.test(value),
    message: 'enter an image reference such as `semgrep/semgrep` or `node:24-alpine`',
  },
  hint,
});

/** One command line: each CI system runs it as one script line. */
const commandRule = (name: string, missing: string, hint: string): FieldRule => ({
  name,
  missing,
  maxLength: 2000,
  format: {
    test: (value) => !/[\r\n\u2028\u2029]/.test(value),
    message: 'use one line, without line breaks',
  },
  hint,
});

/** The fields the form checks before sending, in the API's limits; what the API refuses shows next to its field. */
const rules = {
  image: imageRule(
    'Scanner image',
    'enter the container image the scan runs in, e.g. semgrep/semgrep',
    'The container image the scan step runs in.',
  ),
  scanCommand: commandRule(
    'Scan command',
    'enter the command that scans the checkout and writes SARIF',
    'One line, run in the checkout; it writes a SARIF log to the SARIF path.',
  ),
  sarifPath: {
    name: 'SARIF path',
    missing: 'enter the path of the SARIF log the scan writes, e.g. scm-connect.sarif',
    maxLength: 200,
    format: {
      test: (value) =>
        /^[A-Za-z0-9._\-/]+$/.test(value) &&
        !value.startsWith('/') &&
        value.split('/').every((part) => part !== '' && part !== '..'),
      message: 'use a path relative to the checkout: letters, digits, `.`, `_`, `-` and `/`, no `..`',
    },
    hint: 'Where the scan command writes its SARIF log, relative to the checkout.',
  },
  uploadImage: imageRule(
    'Upload image',
    'enter the container image that uploads the log, e.g. node:24-alpine',
    'A container image with Node.js 20 or newer, for the upload step.',
  ),
  uploadCommand: commandRule(
    'Upload command',
    'enter the command that uploads the SARIF log',
    'One line, run with the SARIF path appended, that sends the log to scm-connect.',
  ),
  secretName: {
    name: 'Secret name',
    missing: 'enter the name of the CI secret that holds the upload token, e.g. SCM_CONNECT_API_TOKEN',
    format: {
      test: (value) => /^[A-Z][A-Z0-9_]{0,99}$/.test(value),
      message: 'use capital letters, digits and `_`, starting with a letter, at most 100',
    },
    hint: 'The CI secret or variable each repository gets, holding an upload-only API token. Its value is never shown.',
  },
} satisfies Record<string, FieldRule>;

const triggerLabels: readonly (readonly [keyof CiTriggers, string])[] = [
  ['pullRequests', 'Pull requests'],
  ['defaultBranchPushes', 'Pushes to the default branch'],
  ['schedule', 'A daily schedule'],
];

export interface CiSettingsFormProps {
  readonly accountId: string;
  readonly settings: CiJobSettings;
  readonly onSaved: (saved: CiJobSettings) => void;
}

/** The account's template of the scanner's CI job: what runs, how the log is sent, and when it runs. */
export const CiSettingsForm = ({ accountId, settings, onSaved }: CiSettingsFormProps) => {
  const api = useApi();
  const [triggers, setTriggers] = useState<CiTriggers>(settings.triggers);
  const form = useForm(
    rules,
    {
      image: settings.image,
      scanCommand: settings.scanCommand,
      sarifPath: settings.sarifPath,
      uploadImage: settings.uploadImage ?? '',
      uploadCommand: settings.uploadCommand ?? '',
      secretName: settings.secretName,
    },
    async (values) => {
      if (!triggers.pullRequests && !triggers.defaultBranchPushes && !triggers.schedule) {
        throw new Error('Run the job on: choose at least one.');
      }
      const saved = await api.saveCiSettings(accountId, {
        image: values.image ?? '',
        scanCommand: values.scanCommand ?? '',
        sarifPath: values.sarifPath ?? '',
        uploadImage: values.uploadImage ?? '',
        uploadCommand: values.uploadCommand ?? '',
        secretName: values.secretName ?? '',
        triggers,
      });
      onSaved(saved);
    },
    'Could not save the CI job template.',
  );

  return (
    <form ref={form.formRef} className="form ci-settings-form" noValidate onSubmit={form.onSubmit}>
      <TextField
        label="Scanner image"
        autoComplete="off"
        spellCheck={false}
        required
        {...form.field('image')}
      />
      <TextField
        label="Scan command"
        autoComplete="off"
        spellCheck={false}
        required
        {...form.field('scanCommand')}
      />
      <TextField
        label="SARIF path"
        autoComplete="off"
        spellCheck={false}
        required
        {...form.field('sarifPath')}
      />
      <TextField
        label="Upload image"
        autoComplete="off"
        spellCheck={false}
        required
        {...form.field('uploadImage')}
      />
      <TextField
        label="Upload command"
        autoComplete="off"
        spellCheck={false}
        required
        {...form.field('uploadCommand')}
      />
      <TextField
        label="Secret name"
        autoComplete="off"
        spellCheck={false}
        required
        {...form.field('secretName')}
      />
      <fieldset className="field">
        <legend>Run the job on</legend>
        <div className="checkbox-row">
          {triggerLabels.map(([key, label]) => (
            <label key={key} className="checkbox">
              <input
                type="checkbox"
                name={key}
                checked={triggers[key]}
                onChange={(event) => setTriggers((current) => ({ ...current, [key]: event.target.checked }))}
              />
              {label}
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
