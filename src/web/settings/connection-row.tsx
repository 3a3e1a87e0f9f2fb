import { useEffect, useRef, useState } from 'react';
import { findScmKind } from '../../core/scm-kinds.js';
import { useApi } from '../api/api-context.js';
import type { Connection, TestReport } from '../api/schemas.js';
import { CommentsSwitch } from '../components/comments-switch.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { ExternalLink } from '../components/external-link.js';
import { FormError } from '../components/form-error.js';
import { formatDateTime } from '../lib/format.js';
import { waitForJob } from '../lib/wait-for-job.js';
import { withInlineCode } from '../lib/inline-code.js';
import { EditConnectionDialog } from './edit-connection-dialog.js';
import { EnterpriseAppState, EnterprisePublicLink, instanceName } from './enterprise-app-state.js';
import { GitHubInstallationState } from './github-installation-state.js';
import { TestReportPanel } from './test-report-panel.js';
import { WebhookState } from './webhook-state.js';

const statusLabels: Readonly<Record<Connection['status'], string>> = {
  connected: 'Connected',
  pending: 'Pending',
  needs_attention: 'Needs attention',
};

const reasonSources: Readonly<Record<string, string>> = {
  sync: 'The last sync failed',
  test: 'The last check failed',
};

const lastTestLabels: Readonly<Record<TestReport['status'], string>> = {
  ok: 'Test passed',
  warn: 'Test passed with warnings',
  fail: 'Test failed',
};

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

export interface ConnectionRowProps {
  readonly accountId: string;
  readonly connection: Connection;
  /** Shows the Test, Sync, Edit and Remove actions. */
  readonly isAdmin: boolean;
  /** Called after a change to the connection (tested, synced, updated, removed), so the lists reload. */
  readonly onChanged: () => void;
  /** Called with a sentence for the page's status line. */
  readonly onNotice: (message: string) => void;
}

type Busy = 'idle' | 'testing' | 'syncing';

/** One connection: kind, target, address, status, inventory, and its actions with their outcome in place. */
export const ConnectionRow = ({
  accountId,
  connection,
  isAdmin,
  onChanged,
  onNotice,
}: ConnectionRowProps) => {
  const api = useApi();
  const kind = findScmKind(connection.kind);
  const [busy, setBusy] = useState<Busy>('idle');
  const [report, setReport] = useState<TestReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'edit' | 'remove' | null>(null);
  const polling = useRef<AbortController | null>(null);

  useEffect(() => () => polling.current?.abort(), []);

  const test = async () => {
    setBusy('testing');
    setError(null);
    try {
      setReport(await api.testConnection(accountId, connection.id));
      onChanged();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : 'Could not test the connection.');
    }
    setBusy('idle');
  };

  const sync = async () => {
    setBusy('syncing');
    setError(null);
    const controller = new AbortController();
    polling.current = controller;
    try {
      const started = await api.syncConnection(accountId, connection.id);
      const job = await waitForJob(started, (jobId, signal) => api.getJob(accountId, jobId, { signal }), {
        signal: controller.signal,
      });
      if (job.status === 'succeeded') onNotice(`${connection.name} was synced.`);
      else setError(job.lastError ?? `The sync ${job.status === 'cancelled' ? 'was cancelled' : 'failed'}.`);
      onChanged();
    } catch (caught) {
      if (controller.signal.aborted) return;
      setError(caught instanceof Error ? caught.message : 'Could not sync the connection.');
    }
    setBusy('idle');
  };

  const label = `${kind?.name ?? connection.kind}: ${connection.name}`;
  const lastTest = connection.lastTest;
  const repositoryCount = connection.repositoryCount;
  const reason = connection.statusReason;
  /** The installations a GitHub App connection works through (the latest one of GitHub's, when all were removed). */
  const installations = connection.github?.installations ?? [];
  const liveInstallations = installations.some((i) => i.removedAt === null)
    ? installations.filter((i) => i.removedAt === null)
    : installations.slice(-1);
  /** As the last test or the daily expiry check found it: a warning 14 days ahead. */
  const expiry = lastTest?.tokenExpiry;
  const enterprise = connection.kind === 'github-enterprise';
  /** A GitHub Enterprise Server entry has nothing to test or sync until its app is installed. */
  const awaitingInstall = enterprise && !installations.some((i) => i.removedAt === null);
  const awaitingId = `${connection.id}-awaiting-install`;
  return (
    <li className="list-row connection-row" aria-label={label}>
      <div className="connection-summary">
        <div className="list-main">
          <p className="list-title">
            <span className="connection-kind">{kind?.name ?? connection.kind}</span> {connection.name}
          </p>
          <p className="list-meta">
            {connection.target && connection.target !== connection.name ? <>{connection.target} · </> : null}
            {connection.baseUrl ? <ExternalLink href={connection.baseUrl} /> : null}
          </p>
          <p className="list-meta">
            {repositoryCount === undefined ? null : (
              <>{plural(repositoryCount, 'repository', 'repositories')} · </>
            )}
            {connection.lastSyncedAt
              ? `Last synced ${formatDateTime(connection.lastSyncedAt)}`
              : 'Not synced yet'}
            {lastTest ? (
              <>
                {' · '}
                {lastTestLabels[lastTest.status]} {formatDateTime(lastTest.checkedAt)}
              </>
            ) : null}
          </p>
          {enterprise ? (
            <EnterpriseAppState accountId={accountId} connection={connection} isAdmin={isAdmin} />
          ) : null}
          {liveInstallations.map((installation) => (
            <GitHubInstallationState
              key={installation.installationId}
              accountId={accountId}
              connectionId={connection.id}
              installation={installation}
              isAdmin={isAdmin && connection.kind === 'github'}
              onChanged={onChanged}
            />
          ))}
          {enterprise ? <EnterprisePublicLink connection={connection} /> : null}
          <WebhookState webhook={connection.webhook} />
          <CommentsSwitch
            owner={label}
            enabled={connection.commentsEnabled ?? true}
            canChange={isAdmin}
            save={async (enabled) => {
              const updated = await api.updateConnection(accountId, connection.id, {
                commentsEnabled: enabled,
              });
              onNotice(
                updated.commentsEnabled === false
                  ? `Pull request comments are off for ${connection.name}.`
                  : `Pull request comments are on for ${connection.name} (repositories switched off on Projects stay off).`,
              );
              onChanged();
              return updated.commentsEnabled ?? enabled;
            }}
          />
          {expiry?.warning && (expiry.status === 'warn' || expiry.status === 'fail') ? (
            <p className="list-meta connection-expiry">
              <span className={`badge ${expiry.status === 'fail' ? 'badge-error' : 'badge-pending'}`}>
                {expiry.status === 'fail' ? 'Token expired' : 'Token expires soon'}
              </span>{' '}
              {expiry.warning} {expiry.fix ? withInlineCode(expiry.fix) : null}
            </p>
          ) : null}
          {reason ? (
            <p className="list-meta text-danger connection-reason">
              {reasonSources[reason.source ?? ''] ?? 'Needs attention'} {formatDateTime(reason.at)}:{' '}
              {withInlineCode(reason.message)}
            </p>
          ) : null}
          {connection.syncError && reason?.source !== 'sync' ? (
            <p className="list-meta text-danger">
              Last sync failed {formatDateTime(connection.syncError.at)}:{' '}
              {withInlineCode(connection.syncError.message)}
            </p>
          ) : null}
        </div>
        <span className={`badge badge-${connection.status}`}>{statusLabels[connection.status]}</span>
      </div>

      {isAdmin ? (
        <div className="connection-actions" role="group" aria-label={`Actions for ${label}`}>
          <button
            type="button"
            className="button button-small"
            disabled={busy !== 'idle' || awaitingInstall}
            aria-describedby={awaitingInstall ? awaitingId : undefined}
            onClick={() => void test()}
          >
            {busy === 'testing' ? 'Testing…' : 'Test connection'}
          </button>
          <button
            type="button"
            className="button button-small"
            disabled={busy !== 'idle' || awaitingInstall}
            aria-describedby={awaitingInstall ? awaitingId : undefined}
            onClick={() => void sync()}
          >
            {busy === 'syncing' ? 'Syncing…' : 'Sync now'}
          </button>
          <button type="button" className="button button-small" onClick={() => setDialog('edit')}>
            Edit
          </button>
          <button
            type="button"
            className="button button-small button-danger-quiet"
            onClick={() => setDialog('remove')}
          >
            Remove
          </button>
        </div>
      ) : null}

      {isAdmin && awaitingInstall ? (
        <p className="list-meta" id={awaitingId}>
          Test connection and Sync now work once the app is installed on{' '}
          {connection.target ?? connection.name}.
        </p>
      ) : null}
      {busy === 'syncing' ? (
        <p className="muted" role="status">
          Syncing repositories from {kind?.name ?? 'the source code manager'}…
        </p>
      ) : null}
      <FormError message={error} />
      {report ? <TestReportPanel title={label} report={report} onHide={() => setReport(null)} /> : null}

      {dialog === 'edit' ? (
        <EditConnectionDialog
          accountId={accountId}
          connection={connection}
          onClose={() => setDialog(null)}
          onUpdated={(updated) => {
            setDialog(null);
            onNotice(`${updated.name} was saved.`);
            onChanged();
          }}
        />
      ) : null}

      {dialog === 'remove' ? (
        <ConfirmDialog
          title="Remove connection"
          confirmLabel="Remove connection"
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            await api.deleteConnection(accountId, connection.id);
            onNotice(`${connection.name} was removed.`);
            onChanged();
          }}
        >
          <p>
            Remove <strong>{connection.name}</strong> ({kind?.name ?? connection.kind})? Its source code
            organizations and repositories are removed with it,{' '}
            {enterprise
              ? `and scm-connect forgets its GitHub App. The app stays registered on ${instanceName(connection.baseUrl)}: delete it there (App settings) if no one needs it.`
              : connection.github
                ? 'and scm-connect stops using the installation. The app stays installed on GitHub: uninstall it there (Configure on GitHub) if no one needs it.'
                : 'and its token is deleted.'}
          </p>
        </ConfirmDialog>
      ) : null}
    </li>
  );
};
