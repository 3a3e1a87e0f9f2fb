import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/db/database.js';
import type { FindingSeverity, FindingState, ScanStatus } from '../../src/db/schema.js';

/**
 * Findings put straight into the database, as processing a scan would leave them, so the browser tests of the
 * Findings pages do not depend on the processing job: scans with their runs and summary, rules, findings with
 * details (code flows, related locations), what each scan reported, and the history.
 */

/** A commit id of 40 hex digits, different for each `n`. */
export const sha = (n: number): string => n.toString(16).padStart(2, '0').repeat(20);

const hourMs = 3_600_000;

export interface SeedLocation {
  readonly path: string | null;
  readonly startLine?: number;
  readonly endLine?: number;
  readonly unlinkedReason?: string;
}

export interface SeedStep {
  readonly message: string;
  readonly location: SeedLocation;
}

export interface SeedScan {
  readonly repositoryId: string;
  readonly commitSha: string;
  readonly branch?: string | null;
  readonly pullRequestNumber?: number;
  readonly baseCommitSha?: string;
  readonly status?: ScanStatus;
  readonly tool?: string;
  readonly resultCount?: number;
  readonly summary?: unknown;
  /** Hours before now it was uploaded. */
  readonly hoursAgo?: number;
}

export interface SeedFinding {
  readonly repositoryId: string;
  readonly branch?: string;
  readonly tool?: string;
  readonly ruleId: string;
  readonly severity: FindingSeverity;
  readonly state?: FindingState;
  readonly message: string;
  readonly location: SeedLocation | null;
  readonly codeFlow?: readonly SeedStep[];
  readonly related?: readonly SeedStep[];
  /** The scans that reported it, oldest first; the first opened it, the last saw it last. */
  readonly scans: readonly { readonly id: string; readonly newInPullRequest?: boolean }[];
}

export interface SeedRule {
  readonly tool: string;
  readonly ruleId: string;
  readonly name: string;
  readonly shortDescription: string;
  readonly helpMarkdown?: string;
  readonly helpUri?: string;
  readonly securitySeverity?: string;
  readonly tags?: readonly string[];
}

const isoHoursAgo = (hours: number) => new Date(Date.now() - hours * hourMs).toISOString();

const locationView = (location: SeedLocation | null) =>
  location === null
    ? null
    : {
        path: location.path,
        startLine: location.startLine ?? null,
        startColumn: null,
        endLine: location.endLine ?? location.startLine ?? null,
        endColumn: null,
        unlinkedReason: location.unlinkedReason ?? null,
      };

/** Seeds one account's findings data; ids are chosen here and returned. */
export class FindingsSeed {
  readonly scanCreatedAt = new Map<string, string>();
  readonly scanCommit = new Map<string, string>();

  constructor(
    private readonly db: Db,
    private readonly accountId: string,
    private readonly connectionId: string,
  ) {}

  async rule(rule: SeedRule): Promise<void> {
    await this.db
      .insertInto('scan_rules')
      .values({
        id: randomUUID(),
        account_id: this.accountId,
        tool_name: rule.tool,
        rule_id: rule.ruleId,
        name: rule.name,
        short_description: rule.shortDescription,
        full_description: null,
        help_text: rule.helpMarkdown ?? null,
        help_markdown: rule.helpMarkdown ?? null,
        help_uri: rule.helpUri ?? null,
        default_level: 'error',
        security_severity: rule.securitySeverity ?? null,
        tags: JSON.stringify(rule.tags ?? []),
        updated_at: new Date().toISOString(),
      })
      .execute();
  }

  async scan(scan: SeedScan): Promise<string> {
    const id = randomUUID();
    const createdAt = isoHoursAgo(scan.hoursAgo ?? 1);
    const status = scan.status ?? 'processed';
    await this.db
      .insertInto('scans')
      .values({
        id,
        account_id: this.accountId,
        connection_id: this.connectionId,
        repository_id: scan.repositoryId,
        commit_sha: scan.commitSha,
        branch: scan.branch === undefined ? 'main' : scan.branch,
        pull_request_number: scan.pullRequestNumber ?? null,
        base_commit_sha: scan.baseCommitSha ?? null,
        base_branch: scan.pullRequestNumber === undefined ? null : 'main',
        dedupe_key: randomUUID(),
        status,
        error_code: null,
        error_message: null,
        log_gzip_base64: null,
        log_bytes: 1_000,
        result_count: scan.resultCount ?? 0,
        summary: status === 'processed' ? JSON.stringify(scan.summary ?? {}) : null,
        uploaded_by_user_id: null,
        uploaded_by_token_id: null,
        created_at: createdAt,
        processed_at: status === 'processed' ? createdAt : null,
      })
      .execute();
    await this.db
      .insertInto('scan_runs')
      .values({
        id: randomUUID(),
        account_id: this.accountId,
        scan_id: id,
        run_index: 0,
        tool_name: scan.tool ?? 'CodeQL',
        tool_version: '2.20.0',
        category: '',
        result_count: scan.resultCount ?? 0,
      })
      .execute();
    this.scanCreatedAt.set(id, createdAt);
    this.scanCommit.set(id, scan.commitSha);
    return id;
  }

  /** Marks a queued scan processed, as the processing job would. */
  async finishScan(scanId: string, summary: unknown): Promise<void> {
    await this.db
      .updateTable('scans')
      .set({ status: 'processed', summary: JSON.stringify(summary), processed_at: new Date().toISOString() })
      .where('id', '=', scanId)
      .execute();
  }

  async finding(finding: SeedFinding): Promise<string> {
    const id = randomUUID();
    const first = finding.scans[0]!.id;
    const last = finding.scans.at(-1)!.id;
    const firstAt = this.scanCreatedAt.get(first)!;
    const lastAt = this.scanCreatedAt.get(last)!;
    const state = finding.state ?? 'open';
    const location = locationView(finding.location);
    const details: Record<string, unknown> = { identity: { source: 'fingerprints', note: null } };
    if (finding.location?.unlinkedReason) details.unlinkedReason = finding.location.unlinkedReason;
    if (finding.related) {
      details.relatedLocations = finding.related.map((step) => ({
        message: step.message,
        location: locationView(step.location),
      }));
    }
    if (finding.codeFlow) {
      details.codeFlows = [
        {
          message: null,
          steps: finding.codeFlow.map((step) => ({
            message: step.message,
            location: locationView(step.location),
          })),
        },
      ];
    }
    await this.db
      .insertInto('findings')
      .values({
        id,
        account_id: this.accountId,
        connection_id: this.connectionId,
        repository_id: finding.repositoryId,
        branch: finding.branch ?? 'main',
        tool_name: finding.tool ?? 'CodeQL',
        category: '',
        rule_id: finding.ruleId,
        fingerprint: randomUUID(),
        state,
        ignored_reason: null,
        ignored_note: null,
        ignored_by_user_id: null,
        ignored_at: null,
        severity: finding.severity,
        level: finding.severity === 'info' ? 'note' : 'error',
        message: finding.message,
        path: location?.path ?? null,
        start_line: location?.startLine ?? null,
        start_column: null,
        end_line: location?.endLine ?? null,
        end_column: null,
        details: JSON.stringify(details),
        commit_sha: this.scanCommit.get(last)!,
        first_seen_scan_id: first,
        last_seen_scan_id: last,
        fixed_in_scan_id: state === 'fixed' ? last : null,
        first_seen_at: firstAt,
        last_seen_at: lastAt,
        fixed_at: state === 'fixed' ? lastAt : null,
        updated_at: lastAt,
      })
      .execute();
    for (const scan of finding.scans) {
      await this.db
        .insertInto('scan_findings')
        .values({
          scan_id: scan.id,
          finding_id: id,
          account_id: this.accountId,
          new_in_pull_request: scan.newInPullRequest ? 1 : 0,
          path: location?.path ?? null,
          start_line: location?.startLine ?? null,
          end_line: location?.endLine ?? null,
        })
        .execute();
    }
    await this.event(id, 'opened', first, firstAt);
    if (state === 'fixed') await this.event(id, 'fixed', last, lastAt);
    return id;
  }

  private async event(
    findingId: string,
    kind: 'opened' | 'fixed',
    scanId: string,
    at: string,
  ): Promise<void> {
    await this.db
      .insertInto('finding_events')
      .values({
        id: randomUUID(),
        account_id: this.accountId,
        finding_id: findingId,
        kind,
        scan_id: scanId,
        user_id: null,
        reason: null,
        note: null,
        at,
      })
      .execute();
  }
}
