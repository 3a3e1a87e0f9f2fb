import { useState } from 'react';
import { useApi } from '../api/api-context.js';
import type { CommentSettings } from '../api/comment-settings-client.js';
import type { AccountSummary } from '../api/schemas.js';
import { FormError } from '../components/form-error.js';
import { severityLabels } from '../findings/finding-display.js';
import { useResource } from '../lib/use-resource.js';
import { Link } from '../router/router-context.js';
import { CommentSettingsForm } from './comment-settings-form.js';

/**
 * Settings > Pull request comments: when one rule's findings go to the summary instead of inline, and which
 * severities fail the commit status. Admins change them; members read them.
 */
export const CommentsTab = ({ account }: { readonly account: AccountSummary }) => {
  const api = useApi();
  const [settings] = useResource(`comment-settings:${account.id}`, (signal) =>
    api.commentSettings(account.id, { signal }),
  );
  const [notice, setNotice] = useState<string | null>(null);
  // What the last save answered, and how many saves there were: the form starts again from it after each.
  const [saved, setSaved] = useState<{ readonly settings: CommentSettings; readonly count: number } | null>(
    null,
  );
  const isAdmin = account.role === 'admin';

  return (
    <div className="stack">
      <section className="card" aria-labelledby="comments-heading">
        <h2 id="comments-heading">Pull request comments</h2>
        <p className="muted card-description">
          scm-connect comments on each pull request with the findings it introduces and sets a commit status.
          Switch comments off for a connection on the Source Code Managers tab, or for one repository on{' '}
          <Link to="/projects">Projects</Link>.
        </p>
        {notice ? (
          <p className="notice notice-success" role="status">
            {notice}
          </p>
        ) : null}
        {settings.status === 'loading' ? <p className="muted">Loading…</p> : null}
        {settings.status === 'error' ? <FormError message={settings.message} /> : null}
        {settings.status === 'ready' && isAdmin ? (
          <CommentSettingsForm
            key={saved?.count ?? 0}
            accountId={account.id}
            settings={saved?.settings ?? settings.data}
            onSaved={(next) => {
              setSaved((previous) => ({ settings: next, count: (previous?.count ?? 0) + 1 }));
              setNotice(
                `Saved: a rule firing more than ${next.ruleThreshold} times goes to the summary; ` +
                  (next.blockingSeverities.length > 0
                    ? `${next.blockingSeverities.map((severity) => severityLabels[severity]).join(', ')} findings fail the status.`
                    : 'no finding fails the status.'),
              );
            }}
          />
        ) : null}
        {settings.status === 'ready' && !isAdmin ? (
          <dl className="facts">
            <dt>Rule threshold</dt>
            <dd>
              A rule firing more than {settings.data.ruleThreshold} times in one pull request goes to the
              summary
            </dd>
            <dt>Blocking severities</dt>
            <dd>
              {settings.data.blockingSeverities.length > 0
                ? settings.data.blockingSeverities.map((severity) => severityLabels[severity]).join(', ')
                : 'None: the status never fails'}
            </dd>
          </dl>
        ) : null}
      </section>
    </div>
  );
};
