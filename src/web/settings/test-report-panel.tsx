import { useId } from 'react';
import type { CheckStatus, TestReport } from '../api/schemas.js';
import { formatDateTime } from '../lib/format.js';
import { withInlineCode } from '../lib/inline-code.js';

const statusText: Readonly<Record<CheckStatus, string>> = {
  ok: 'OK',
  warn: 'Warning',
  fail: 'Failed',
  skipped: 'Not applicable',
};

const statusIcon: Readonly<Record<CheckStatus, string>> = { ok: '✓', warn: '!', fail: '✕', skipped: '–' };

const summaryText: Readonly<Record<TestReport['status'], string>> = {
  ok: 'All checks passed',
  warn: 'Connected, with warnings',
  fail: 'Some checks failed',
};

interface ReportLine {
  readonly key: string;
  readonly label: string;
  readonly status: CheckStatus;
  readonly message: string;
  readonly fix?: string | null | undefined;
}

const reportLines = (report: TestReport): ReportLine[] => {
  const lines: ReportLine[] = [
    { key: 'reachable', label: 'Reachable', ...report.reachable },
    { key: 'target', label: 'Organization', ...report.target },
  ];
  if (report.scopes) {
    const missing = report.scopes.missing;
    lines.push({
      key: 'scopes',
      label: 'Scopes',
      status: missing.length > 0 ? 'fail' : 'ok',
      message:
        missing.length > 0
          ? `Missing ${missing.join(', ')}.`
          : 'The token has every scope the connection needs.',
      fix: missing.length > 0 ? `Create a token that also has ${missing.join(', ')}.` : undefined,
    });
  }
  if (report.tokenExpiry) {
    const expiry = report.tokenExpiry;
    lines.push({
      key: 'token-expiry',
      label: 'Token expiry',
      status: expiry.status,
      message:
        expiry.warning ??
        (expiry.expiresAt
          ? `The token expires ${formatDateTime(expiry.expiresAt)}.`
          : expiry.expiresAt === null
            ? 'The token never expires.'
            : 'The SCM does not tell when the token expires.'),
      fix: expiry.fix,
    });
  }
  for (const capability of report.capabilities) {
    lines.push({ key: `capability-${capability.id}`, ...capability });
  }
  return lines;
};

const ScopeList = ({ scopes }: { readonly scopes: readonly string[] }) =>
  scopes.length === 0 ? (
    <span className="muted">none</span>
  ) : (
    <>
      {scopes.map((scope, index) => (
        <span key={scope}>
          {index > 0 ? ', ' : null}
          <code>{scope}</code>
        </span>
      ))}
    </>
  );

export interface TestReportPanelProps {
  /** Names the panel, e.g. the connection's name. */
  readonly title: string;
  readonly report: TestReport;
  readonly onHide?: () => void;
}

/**
 * A connection report, one row per check with its status and, for a warning or failure, the fix; then who the
 * token acts as, the server version and the scopes granted against those needed. Every value is text.
 */
export const TestReportPanel = ({ title, report, onHide }: TestReportPanelProps) => {
  const headingId = useId();
  return (
    <section className={`report report-${report.status}`} aria-labelledby={headingId}>
      <header className="report-header">
        <div>
          <h3 id={headingId}>Test report: {title}</h3>
          <p className="report-summary">
            <span className={`status-icon status-${report.status}`} aria-hidden="true">
              {statusIcon[report.status]}
            </span>
            {summaryText[report.status]} <span className="muted">· {formatDateTime(report.checkedAt)}</span>
          </p>
        </div>
        {onHide ? (
          <button type="button" className="button button-small" onClick={onHide}>
            Hide report
          </button>
        ) : null}
      </header>

      <dl className="report-facts">
        {report.identity ? (
          <div>
            <dt>Token acts as</dt>
            <dd>
              {report.identity.login}
              {report.identity.name ? <span className="muted"> ({report.identity.name})</span> : null}
            </dd>
          </div>
        ) : null}
        {report.serverVersion ? (
          <div>
            <dt>Server version</dt>
            <dd>{report.serverVersion}</dd>
          </div>
        ) : null}
        {report.scopes ? (
          <>
            <div>
              <dt>Scopes granted</dt>
              <dd>
                <ScopeList scopes={report.scopes.granted} />
              </dd>
            </div>
            <div>
              <dt>Scopes needed</dt>
              <dd>
                <ScopeList scopes={report.scopes.needed} />
              </dd>
            </div>
          </>
        ) : null}
      </dl>

      {report.tokenExpiry?.warning && report.tokenExpiry.status !== 'skipped' ? (
        <p className={`notice ${report.tokenExpiry.status === 'fail' ? 'notice-danger' : 'notice-warning'}`}>
          {report.tokenExpiry.warning}
        </p>
      ) : null}

      <ul className="report-lines" aria-label="Checks">
        {reportLines(report).map((line) => (
          <li key={line.key} className={`report-line report-line-${line.status}`}>
            <span className={`status-icon status-${line.status}`} aria-hidden="true">
              {statusIcon[line.status]}
            </span>
            <div className="report-line-body">
              <p>
                <strong>{line.label}</strong>{' '}
                <span className="report-line-status">{statusText[line.status]}</span>
              </p>
              <p className="report-line-message">{withInlineCode(line.message)}</p>
              {line.fix && (line.status === 'fail' || line.status === 'warn') ? (
                <p className="report-line-fix">
                  <span className="report-fix-label">Fix: </span>
                  {withInlineCode(line.fix)}
                </p>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
};
