import type { FindingSeverity, IgnoreReason, PullRequestCommentPlacement } from '../db/schema.js';
import type { ScmCommentRef } from '../scm/provider.js';

/** A code-flow step as a comment shows it: where (with a link at the scanned commit) and what happens there. */
export interface CommentStep {
  readonly label: string;
  readonly url: string | null;
  readonly message: string | null;
}

/** A finding as the comments need it: what it says, its links, and what became of it. */
export interface CommentFinding {
  readonly key: string;
  readonly findingId: string;
  readonly ruleId: string;
  readonly ruleName: string | null;
  readonly helpUri: string | null;
  readonly severity: FindingSeverity;
  readonly message: string;
  readonly path: string | null;
  readonly startLine: number | null;
  readonly endLine: number | null;
  /** Commit-pinned link to its lines. */
  readonly codeUrl: string | null;
  /** Its page in scm-connect. */
  readonly findingUrl: string | null;
  readonly codeFlows: readonly { readonly message: string | null; readonly steps: readonly CommentStep[] }[];
  /** The lines that replace `startLine`–`endLine` per the log's fix (joined by `\n`); absent when none. */
  readonly suggestion?: string | undefined;
  /** `open`: reported by the newest scan, new in the pull request and not ignored. */
  readonly state: 'open' | 'fixed' | 'ignored';
  readonly ignoredReason?: IgnoreReason | undefined;
}

/** Our row for a key, as stored. */
export interface StoredComment {
  readonly key: string;
  readonly findingId: string | null;
  readonly placement: PullRequestCommentPlacement;
  /** Absent for a finding listed in the summary only. */
  readonly ref?: ScmCommentRef | undefined;
  readonly webUrl?: string | undefined;
  readonly bodyHash: string | null;
  readonly status: 'open' | 'fixed';
}

/** The status last set on the pull request's commit. */
export interface LastStatus {
  readonly state: string;
  readonly description: string;
  readonly sha: string;
  readonly targetUrl: string;
}
