import { useState } from 'react';
import { useApi } from '../api/api-context.js';
import type { CiJobSettings } from '../api/ci-job-schemas.js';
import type { AccountSummary } from '../api/schemas.js';
import { FormError } from '../components/form-error.js';
import { formatDateTime } from '../lib/format.js';
import { useResource } from '../lib/use-resource.js';
import { Link } from '../router/router-context.js';
import { CiSettingsForm } from './ci-settings-form.js';

const triggersText = (settings: CiJobSettings): string => {
  const on = [
    settings.triggers.pullRequests ? 'pull requests' : null,
    settings.triggers.defaultBranchPushes ? 'pushes to the default branch' : null,
    settings.triggers.schedule ? 'a daily schedule' : null,
  ].filter(Boolean);
  return on.length > 0 ? on.join(', ') : 'none';
};

/**
 * Settings > CI job: the template of the scanner's CI job that **Add CI job** writes into repositories. Admins
 * change it; members read it.
 */
export const CiSettingsTab = ({ account }: { readonly account: AccountSummary }) => {
  const api = useApi();
  const [settings] = useResource(`ci-settings:${account.id}`, (signal) =>
    api.ciSettings(account.id, { signal }),
  );
  const [notice, setNotice] = useState<string | null>(null);
  const [saved, setSaved] = useState<{ readonly settings: CiJobSettings; readonly count: number } | null>(
    null,
  );
  const isAdmin = account.role === 'admin';
  const current = saved?.settings ?? (settings.status === 'ready' ? settings.data : null);

  return (
    <div className="stack">
      <section className="card" aria-labelledby="ci-settings-heading">
        <h2 id="ci-settings-heading">CI job</h2>
        <p className="muted card-description">
          The scanner&apos;s CI job that <strong>Add CI job</strong> on <Link to="/projects">Projects</Link>{' '}
          adds to repositories: GitHub Actions, GitLab CI/CD, Bitbucket Pipelines or Azure Pipelines, each in
          its own syntax. Past runs are under <Link to="/ci-jobs">CI job runs</Link>.
        </p>
        {notice ? (
          <p className="notice notice-success" role="status">
            {notice}
          </p>
        ) : null}
        {settings.status === 'loading' ? <p className="muted">Loading…</p> : null}
        {settings.status === 'error' ? <FormError message={settings.message} /> : null}
        {current && isAdmin ? (
          <CiSettingsForm
            key={saved?.count ?? 0}
            accountId={account.id}
            settings={current}
            onSaved={(next) => {
              setSaved((previous) => ({ settings: next, count: (previous?.count ?? 0) + 1 }));
              setNotice('Saved: runs started from now on write this job.');
            }}
          />
        ) : null}
        {current && !isAdmin ? (
          <dl className="facts">
            <dt>Scanner image</dt>
            <dd>
              <code>{current.image}</code>
            </dd>
            <dt>Scan command</dt>
            <dd>
              <code>{current.scanCommand}</code>
            </dd>
            <dt>SARIF path</dt>
            <dd>
              <code>{current.sarifPath}</code>
            </dd>
            <dt>Upload image</dt>
            <dd>
              <code>{current.uploadImage ?? '—'}</code>
            </dd>
            <dt>Upload command</dt>
            <dd>
              <code>{current.uploadCommand ?? '—'}</code>
            </dd>
            <dt>Secret name</dt>
            <dd>
              <code>{current.secretName}</code>
            </dd>
            <dt>Runs on</dt>
            <dd>{triggersText(current)}</dd>
            <dt>Changed</dt>
            <dd>{current.updatedAt ? formatDateTime(current.updatedAt) : 'Never: the defaults'}</dd>
          </dl>
        ) : null}
      </section>
    </div>
  );
};
