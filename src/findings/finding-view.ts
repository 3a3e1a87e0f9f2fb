import type { Config } from '../config/config.js';
import type { ScmKindId } from '../core/scm-kinds.js';
import type { FindingSeverity, FindingState, IgnoreReason } from '../db/schema.js';
import { createLinkBuilder } from '../scm/links/index.js';
import type { BranchLinkBuilder } from '../scm/links/types.js';
import type { LinkBuilder } from '../scm/provider.js';
import type { FindingRow } from './finding-query.js';

/** A location as the API shows it: path and lines, a link at the commit and on the default branch, or why none. */
export interface LocationItem {
  readonly path: string | null;
  readonly startLine: number | null;
  readonly endLine: number | null;
  readonly startColumn: number | null;
  readonly endColumn: number | null;
  readonly url: string | null;
  readonly defaultBranchUrl: string | null;
  readonly unlinkedReason: string | null;
}

export interface FindingItem {
  readonly id: string;
  readonly repository: { id: string; fullName: string; connectionId: string; kind: string };
  readonly branch: string;
  readonly tool: string;
  readonly category: string;
  readonly ruleId: string;
  readonly rule: {
    name: string | null;
    shortDescription: string | null;
    helpUri: string | null;
    tags: string[];
  } | null;
  readonly state: FindingState;
  readonly ignored: {
    reason: IgnoreReason;
    note: string | null;
    at: string | null;
    by: { id: string; name: string } | null;
  } | null;
  readonly severity: FindingSeverity;
  readonly level: string;
  readonly message: string;
  readonly location: LocationItem | null;
  readonly commitSha: string;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
  readonly fixedAt: string | null;
}

/** A stored location (primary, related, code-flow step): the shape processing writes into `details`. */
export interface StoredLocation {
  readonly path: string | null;
  readonly startLine: number | null;
  readonly startColumn: number | null;
  readonly endLine: number | null;
  readonly endColumn: number | null;
  readonly unlinkedReason: string | null;
}

type Links = LinkBuilder & BranchLinkBuilder;

/**
 * Builds links for the findings of one answer: one link builder per connection, on the connection's web root —
 * the instance's own URL for self-managed kinds and GitHub apps, the configured web URL for Bitbucket Cloud.
 */
export function createFindingLinks(config: Pick<Config, 'cloudUrls'>) {
  const builders = new Map<string, Links | undefined>();
  const builderFor = (row: Pick<FindingRow, 'connection_id' | 'kind' | 'base_url'>): Links | undefined => {
    if (!builders.has(row.connection_id)) {
      const webUrl = row.kind === 'bitbucket-cloud' ? config.cloudUrls.bitbucketWeb.href : row.base_url;
      let builder: Links | undefined;
      try {
        builder = createLinkBuilder(row.kind as ScmKindId, { webUrl });
      } catch {
        builder = undefined;
      }
      builders.set(row.connection_id, builder);
    }
    return builders.get(row.connection_id);
  };

  /** A stored location with its links at the finding's commit and on the repository's default branch. */
  const locate = (
    row: Pick<
      FindingRow,
      'connection_id' | 'kind' | 'base_url' | 'full_name' | 'default_branch' | 'commit_sha'
    >,
    stored: StoredLocation | null,
  ): LocationItem | null => {
    if (!stored || (stored.path === null && stored.unlinkedReason === null && stored.startLine === null))
      return null;
    const builder = builderFor(row);
    let url: string | null = null;
    let defaultBranchUrl: string | null = null;
    let unlinkedReason = stored.unlinkedReason;
    if (stored.path !== null) {
      const repository = { fullName: row.full_name };
      const lines =
        stored.startLine === null
          ? {}
          : { startLine: stored.startLine, endLine: stored.endLine ?? stored.startLine };
      if (!builder) {
        unlinkedReason = `The connection's web address cannot be used for links (${row.kind}).`;
      } else {
        try {
          url = builder.fileUrl({ repository, commitSha: row.commit_sha, path: stored.path, ...lines });
        } catch (error) {
          unlinkedReason = error instanceof Error ? error.message : 'The location cannot be linked.';
        }
        if (row.default_branch) {
          try {
            defaultBranchUrl = builder.branchFileUrl({
              repository,
              branch: row.default_branch,
              path: stored.path,
            });
          } catch {
            defaultBranchUrl = null;
          }
        }
      }
    }
    return {
      path: stored.path,
      startLine: stored.startLine,
      endLine: stored.endLine,
      startColumn: stored.startColumn,
      endColumn: stored.endColumn,
      url,
      defaultBranchUrl,
      unlinkedReason,
    };
  };
  return { locate };
}

export type FindingLinks = ReturnType<typeof createFindingLinks>;

const parseJson = (text: string | null): Record<string, unknown> => {
  if (text === null) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
};

export const detailsOfRow = (row: Pick<FindingRow, 'details'>): Record<string, unknown> =>
  parseJson(row.details);

const tagsOf = (text: string | null): string[] => {
  try {
    const value = text === null ? [] : (JSON.parse(text) as unknown);
    return Array.isArray(value) ? value.filter((tag): tag is string => typeof tag === 'string') : [];
  } catch {
    return [];
  }
};

/** A finding row as the API's item. */
export function toFindingItem(
  row: FindingRow,
  links: FindingLinks,
  details = detailsOfRow(row),
): FindingItem {
  const unlinkedReason = typeof details.unlinkedReason === 'string' ? details.unlinkedReason : null;
  return {
    id: row.id,
    repository: {
      id: row.repository_id,
      fullName: row.full_name,
      connectionId: row.connection_id,
      kind: row.kind,
    },
    branch: row.branch,
    tool: row.tool_name,
    category: row.category,
    ruleId: row.rule_id,
    rule:
      row.rule_tags === null
        ? null
        : {
            name: row.rule_name,
            shortDescription: row.rule_short_description,
            helpUri: row.rule_help_uri,
            tags: tagsOf(row.rule_tags),
          },
    state: row.state,
    ignored:
      row.ignored_reason === null
        ? null
        : {
            reason: row.ignored_reason,
            note: row.ignored_note,
            at: row.ignored_at,
            by:
              row.ignored_by_user_id === null
                ? null
                : { id: row.ignored_by_user_id, name: row.ignored_by_name ?? '' },
          },
    severity: row.severity,
    level: row.level,
    message: row.message,
    location: links.locate(row, {
      path: row.path,
      startLine: row.start_line,
      startColumn: row.start_column,
      endLine: row.end_line,
      endColumn: row.end_column,
      unlinkedReason,
    }),
    commitSha: row.commit_sha,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
    fixedAt: row.fixed_at,
  };
}
