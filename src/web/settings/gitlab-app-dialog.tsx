import { useApi } from '../api/api-context.js';
import type { GitLabOAuthApp } from '../api/gitlab-oauth-apps-client.js';
import { TextField } from '../components/fields.js';
import { FormDialog } from '../components/form-dialog.js';
import { FormError } from '../components/form-error.js';
import { copiedValueRule } from '../forms/field-rules.js';
import { useForm } from '../forms/use-form.js';
import { CaCertificateField } from './ca-certificate-field.js';
import { addressRefusals, caPemRule, instanceUrl } from './connection-rules.js';

const rulesFor = (editing: boolean) => ({
  webUrl: instanceUrl('https://gitlab.example.com'),
  applicationId: copiedValueRule('Application ID', 'paste the application id GitLab shows'),
  secret: {
    ...copiedValueRule('Secret', 'paste the application’s secret', editing),
    hint: editing ? 'Leave empty to keep the stored secret.' : 'Stored encrypted; never shown again.',
  },
  caCertificate: caPemRule,
});

/** The refusals of an instance address, next to the GitLab URL field. */
const webUrlRefusals = Object.fromEntries(Object.keys(addressRefusals).map((code) => [code, 'webUrl']));

export interface GitLabAppDialogProps {
  /** The application to change; absent to add one. */
  readonly app?: GitLabOAuthApp;
  readonly onClose: () => void;
  readonly onSaved: (app: GitLabOAuthApp) => void;
}

/** Add (or change) the OAuth application of one GitLab instance that Sign in with GitLab uses. */
export const GitLabAppDialog = ({ app, onClose, onSaved }: GitLabAppDialogProps) => {
  const api = useApi();
  const editing = app !== undefined;
  const form = useForm(
    rulesFor(editing),
    { webUrl: app?.webUrl ?? 'https://gitlab.com', applicationId: app?.applicationId ?? '' },
    async ({ webUrl = '', applicationId = '', secret = '', caCertificate = '' }) => {
      const input = {
        webUrl,
        applicationId,
        ...(secret ? { secret } : {}),
        ...(caCertificate ? { caCertificate } : {}),
      };
      onSaved(app ? await api.changeGitLabOAuthApp(app.id, input) : await api.addGitLabOAuthApp(input));
    },
    'Could not save the GitLab application.',
    { codeFields: webUrlRefusals },
  );
  const ca = form.field('caCertificate');
  return (
    <FormDialog
      title={editing ? 'Change GitLab sign-in application' : 'Add GitLab sign-in application'}
      onClose={onClose}
      form={form}
      submitLabel={editing ? 'Save' : 'Add application'}
      busyLabel="Saving…"
    >
      <TextField label="GitLab URL" autoComplete="off" required {...form.field('webUrl')} />
      <TextField label="Application ID" autoComplete="off" required {...form.field('applicationId')} />
      <TextField
        label="Secret"
        type="password"
        autoComplete="off"
        required={!editing}
        {...form.field('secret')}
      />
      <CaCertificateField
        value={ca.value}
        error={ca.error}
        onChange={(value) => form.set('caCertificate', value)}
        help={
          app?.hasCaCertificate
            ? 'A CA certificate is stored: paste it again to keep it; left empty, it is removed.'
            : undefined
        }
      />
      <FormError message={form.error} />
    </FormDialog>
  );
};
