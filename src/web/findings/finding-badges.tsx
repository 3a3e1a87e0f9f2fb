import type { Finding, Severity } from '../api/finding-schemas.js';
import { findingStateBadge, findingStateLabel, severityLabels } from './finding-display.js';

export const SeverityBadge = ({ severity }: { readonly severity: Severity }) => (
  <span className={`badge badge-severity badge-${severity}`}>{severityLabels[severity]}</span>
);

export const StateBadge = ({ finding }: { readonly finding: Pick<Finding, 'state' | 'ignored'> }) => (
  <span className={findingStateBadge(finding)}>{findingStateLabel(finding)}</span>
);
