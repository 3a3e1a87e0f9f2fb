import { useState } from 'react';
import { useApi } from '../api/api-context.js';
import type { MembershipSettings, MembershipSource } from '../api/membership-client.js';
import type { AccountSummary, Job } from '../api/schemas.js';
import { FormError } from '../components/form-error.js';
import { formatDateTime, roleLabel } from '../lib/format.js';
import type { Resource } from '../lib/use-resource.js';
import { useSubmit } from '../lib/use-submit.js';
import { waitForJob } from '../lib/wait-for-job.js';
import { outcomeText } from './membership-display.js';
import { MembershipSourceForm } from './membership-source-form.js';

/** Where the account's membership comes from: the source, when it was last reconciled, what that did. */
const SourceFacts = ({
  source,
  defaultRole,
}: {
  readonly source: MembershipSource;
  readonly defaultRole: string;
}) => (
  <dl className="facts">
    <dt>Last reconciled</dt>
    <dd>{source.lastReconciledAt ? formatDateTime(source.lastReconciledAt) : 'Not yet'}</dd>
    <dt>Last outcome</dt>
    <dd className={source.lastOutcome && !source.lastOutcome.ok ? 'text-danger' : undefined}>
      {outcomeText(source.lastOutcome)}
    </dd>
    <dt>Next run</dt>
    <dd>{source.nextRunAt ? formatDateTime(source.nextRunAt) : '—'}</dd>
    <dt>Default role</dt>
    <dd>{defaultRole}</dd>
    <dt>Role mapping</dt>
    <dd>{source.roleMapping ? 'On: roles follow the organization’s roles' : 'Off'}</dd>
  </dl>
);

export interface MembershipSourcePanelProps {
  readonly account: AccountSummary;
  readonly settings: Resource<MembershipSettings>;
  /** Reads the settings again (after a change, or when a reconciliation finished). */
  readonly reload: () => void;
  /** The members may have changed (a reconciliation finished). */
  readonly onMembersChanged: () => void;
}

/**
 * Settings > Members: the GitHub organization or GitLab group that manages the account's membership. Everyone
 * sees it; admins choose it, map its roles, set the default role and reconcile at once.
 */
export const MembershipSourcePanel = ({
  account,
  settings,
  reload,
  onMembersChanged,
}: MembershipSourcePanelProps) => {
  const api = useApi();
  const [notice, setNotice] = useState<string | null>(null);
  const isAdmin = account.role === 'admin';

  const reconcile = useSubmit(
    async () => {
      setNotice(null);
      const jobId = await api.reconcileMembership(account.id);
      const queued: Job = {
        id: jobId,
        kind: 'membership.reconcile',
        status: 'queued',
        attempts: 0,
        createdAt: '',
      };
      const done = await waitForJob(queued, (id, signal) => api.getJobSummary(account.id, id, { signal }));
      setNotice(done.status === 'succeeded' ? 'Reconciled.' : `The reconciliation ${done.status}.`);
      reload();
      onMembersChanged();
    },
    'Could not start the reconciliation.',
    { reusable: true },
  );

  const source = settings.status === 'ready' ? settings.data.source : null;
  return (
    <section className="card" aria-labelledby="membership-source-heading">
      <h2 id="membership-source-heading">Managed by GitHub or GitLab</h2>
      {notice ? (
        <p className="notice notice-success" role="status">
          {notice}
        </p>
      ) : null}
      {settings.status === 'loading' ? <p className="muted">Loading…</p> : null}
      {settings.status === 'error' ? <FormError message={settings.message} /> : null}
      {settings.status === 'ready' ? (
        <>
          {source ? (
            <>
              <p>
                <span className="badge badge-connected">Managed by {source.label}</span>
              </p>
              <SourceFacts source={source} defaultRole={roleLabel(settings.data.defaultRole)} />
              {isAdmin ? (
                <div className="connection-actions">
                  <button
                    type="button"
                    className="button"
                    aria-disabled={reconcile.busy}
                    onClick={() => !reconcile.busy && reconcile.run()}
                  >
                    {reconcile.busy ? 'Reconciling…' : 'Reconcile now'}
                  </button>
                </div>
              ) : null}
              <FormError message={reconcile.error} />
            </>
          ) : (
            <p className="muted card-description">
              Members are managed here by hand. An admin can let a GitHub organization or a GitLab group
              manage them: its members then sign in with GitHub or GitLab and join this account, and people
              removed from it lose access within a minute.
            </p>
          )}
          {isAdmin ? (
            <MembershipSourceForm
              key={JSON.stringify(settings.data)}
              accountId={account.id}
              settings={settings.data}
              onChanged={(text) => {
                setNotice(text);
                reload();
                onMembersChanged();
              }}
            />
          ) : null}
        </>
      ) : null}
    </section>
  );
};
