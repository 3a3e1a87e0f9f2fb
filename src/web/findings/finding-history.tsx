import type { HistoryEvent } from '../api/finding-schemas.js';
import { formatDateTime } from '../lib/format.js';
import { Link } from '../router/router-context.js';
import { historyKindLabel, ignoreReasonLabel } from './finding-display.js';

/** What happened to a finding, oldest first: first seen, fixed, reopened, ignored by whom and why. */
export const FindingHistory = ({ events }: { readonly events: readonly HistoryEvent[] }) => {
  if (events.length === 0) return <p className="muted">No history yet.</p>;
  return (
    <ol className="timeline" aria-label="History">
      {events.map((event, index) => {
        const reason = ignoreReasonLabel(event.reason);
        return (
          <li key={index} className="timeline-item">
            <p>
              <strong>{historyKindLabel(event.kind)}</strong>
              {reason ? ` · ${reason}` : ''}
              {event.by ? <span> by {event.by.name}</span> : null}
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
