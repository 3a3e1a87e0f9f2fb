import type { HistoryEvent } from '../api/finding-schemas.js';
import { ExternalLink } from '../components/external-link.js';
import { formatDateTime } from '../lib/format.js';
import { Link } from '../router/router-context.js';
import { historyKindLabel, ignoreReasonLabel } from './finding-display.js';

/**
 * What happened to a finding, oldest first: first seen, fixed, reopened, ignored by whom and why; a triage by a
 * reply on a pull request names the SCM login and links the comment.
 */
export const FindingHistory = ({ events }: { readonly events: readonly HistoryEvent[] }) => {
  if (events.length === 0) return <p className="muted">No history yet.</p>;
  return (
    <ol className="timeline" aria-label="History">
      {events.map((event, index) => {
        const reason = ignoreReasonLabel(event.reason);
        return (
          <li key={index} className="timeline-item">
            <p>
              <strong>
                {/* Reopened on the pull request, not on scm-connect's page. */}
                {event.via && event.kind === 'unignored' ? 'Reopened' : historyKindLabel(event.kind)}
              </strong>
              {reason ? ` · ${reason}` : ''}
              {event.by ? <span> by {event.by.name}</span> : null}
              {event.via ? (
                <span className="history-via">
                  {' '}
                  by @{event.via.login} in a comment on{' '}
                  <ExternalLink href={event.via.url}>pull request #{event.via.pullRequest}</ExternalLink>
                </span>
              ) : null}
            </p>
            <p className="list-meta">
              {formatDateTime(event.at)}
              {event.scanId ? (
                <>
                  {' · '}
                  <Link to={`/findings?scan=${encodeURIComponent(event.scanId)}`}>in this scan</Link>
                </>
              ) : null}
            </p>
            {event.note ? <p className="timeline-note">{event.note}</p> : null}
          </li>
        );
      })}
    </ol>
  );
};
