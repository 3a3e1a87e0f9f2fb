import type { FindingLocation } from '../api/finding-schemas.js';
import { ExternalLink } from '../components/external-link.js';
import { safeHttpUrl } from '../lib/safe-url.js';
import { locationText } from './finding-display.js';

/**
 * Where a result points: `path:line` linking to the code at the scanned commit, a quieter link to the same lines
 * on the default branch, or the reason there is no link (a path outside the repository, say).
 */
export const LocationLinks = ({ location }: { readonly location: FindingLocation | null | undefined }) => {
  const text = locationText(location);
  if (!location || !text) {
    return (
      <span className="muted">
        No location in the repository{location?.unlinkedReason ? `: ${location.unlinkedReason}` : ''}
      </span>
    );
  }
  const atCommit = safeHttpUrl(location.url);
  const onDefaultBranch = safeHttpUrl(location.defaultBranchUrl);
  const reason = location.unlinkedReason ?? (location.url ? 'its address is not an http(s) link' : null);
  return (
    <>
      <p className="location-path">
        {atCommit ? (
          <ExternalLink href={atCommit} label={`${text} at the scanned commit`}>
            {text}
          </ExternalLink>
        ) : (
          <code>{text}</code>
        )}
      </p>
      {onDefaultBranch ? (
        <p className="list-meta">
          <ExternalLink href={onDefaultBranch} label={`${text} on the default branch`}>
            On the default branch
          </ExternalLink>
        </p>
      ) : null}
      {!atCommit ? <p className="list-meta">No link{reason ? `: ${reason}` : ''}</p> : null}
    </>
  );
};
