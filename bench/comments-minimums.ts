import type { FamilyKind } from '../test/findings/scan-families.js';

/** API calls, reads and writes apart. */
export interface CallCount {
  readonly reads: number;
  readonly writes: number;
}

/** What the pull request holds when scm-connect reconciles it. */
export interface PullRequestShape {
  /** Findings new in the pull request, each on its own changed line (all inline: one rule each). */
  readonly findings: number;
  /** Files the pull request changes. */
  readonly files: number;
  /** scm-connect's comments already on it: none on a first scan, the findings' and the summary on a re-scan. */
  readonly ours: number;
}

/** The fewest calls a vendor's documented endpoints allow for one reconciliation, and which endpoints. */
export interface DocumentedMinimum {
  readonly firstScan: (shape: PullRequestShape) => CallCount;
  readonly rescan: (shape: PullRequestShape) => CallCount;
  /** The endpoints counted, in the vendor's words (each SCM's REST reference: endpoints and page sizes). */
  readonly basis: string;
}

const pages = (items: number, pageSize: number) => Math.max(1, Math.ceil(items / pageSize));

/**
 * Lower bounds from each vendor's documented endpoints and page sizes: read the pull request, its changed files
 * and the comments already there; write one call per new comment (GitHub: one review carries every inline
 * comment), one summary and one commit status. The connection's own identity is not counted (it can be known
 * from the connection), nor GitHub's installation token. An unchanged re-scan needs the same reads and no write.
 */
export const documentedMinimums: Readonly<Record<FamilyKind, DocumentedMinimum>> = {
  github: {
    // GET /pulls/{n}; GET /pulls/{n}/files (per_page ≤ 100); GET /issues/{n}/comments; GET /pulls/{n}/comments
    firstScan: ({ files }) => ({ reads: 1 + pages(files, 100) + 1 + 1, writes: 3 }),
    rescan: ({ files, ours }) => ({
      reads: 1 + pages(files, 100) + 1 + pages(ours - 1, 100),
      writes: 0,
    }),
    basis:
      'reads: pull, files, issue comments, review comments (100 a page); writes: one review with every inline ' +
      'comment, one issue comment, one status',
  },
  gitlab: {
    // GET /merge_requests/:iid; GET …/diffs (per_page ≤ 100); GET …/discussions (per_page ≤ 100)
    firstScan: ({ findings, files }) => ({ reads: 1 + pages(files, 100) + 1, writes: findings + 2 }),
    rescan: ({ files, ours }) => ({ reads: 1 + pages(files, 100) + pages(ours, 100), writes: 0 }),
    basis:
      'reads: merge request, diffs, discussions (100 a page); writes: one discussion per finding, one note, ' +
      'one commit status',
  },
  'bitbucket-cloud': {
    // GET /pullrequests/{id}; GET …/diffstat (pagelen ≤ 100); GET …/comments (pagelen ≤ 100)
    firstScan: ({ findings, files }) => ({ reads: 1 + pages(files, 100) + 1, writes: findings + 2 }),
    rescan: ({ files, ours }) => ({ reads: 1 + pages(files, 100) + pages(ours, 100), writes: 0 }),
    basis:
      'reads: pull request, diffstat, comments (pagelen 100); writes: one comment per finding, one summary, ' +
      'one build status',
  },
  'bitbucket-data-center': {
    // GET …/pull-requests/{id}; GET …/changes; GET …/activities (limit raised to 1,000 at best)
    firstScan: ({ findings, files }) => ({ reads: 1 + pages(files, 1000) + 1, writes: findings + 2 }),
    rescan: ({ files, ours }) => ({ reads: 1 + pages(files, 1000) + pages(ours, 1000), writes: 0 }),
    basis:
      'reads: pull request, changes, activities (limit 1,000 at best); writes: one comment per finding, one ' +
      'summary, one build status',
  },
  'azure-devops': {
    // GET …/pullRequests/{id}; GET …/iterations; GET …/iterations/{id}/changes; GET …/threads (not paged)
    firstScan: ({ findings }) => ({ reads: 4, writes: findings + 2 }),
    rescan: () => ({ reads: 4, writes: 0 }),
    basis:
      'reads: pull request, iterations, the last iteration’s changes, threads; writes: one thread per finding, ' +
      'one summary thread, one pull request status',
  },
};
