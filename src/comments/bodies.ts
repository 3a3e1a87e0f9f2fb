import type { FindingSeverity, IgnoreReason } from '../db/schema.js';
import type { CommentFormat, InlinePosition } from '../scm/provider.js';
import { markerText, summaryKey } from './keys.js';
import { escapeText, link, safeUrl } from './markdown.js';
import type { CommentFinding } from './types.js';

/*
 * The bodies of our comments. Each starts with the SCM's hidden marker and holds only escaped scanner text and
 * links we built; each stays within the SCM's longest body.
 */

export const severityOrder: readonly FindingSeverity[] = ['critical', 'high', 'medium', 'low', 'info'];

const severityLabel: Readonly<Record<FindingSeverity, string>> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Info',
};

export const ignoreReasonLabel: Readonly<Record<IgnoreReason, string>> = {
  false_positive: 'a false positive',
  acceptable_risk: 'an acceptable risk',
  other: 'other',
};

const replyHelp =
  'Reply `/fp <reason>` (false positive), `/ar <reason>` (acceptable risk) or `/other <reason>` to ignore this ' +
  'finding, `/open` to reopen it.';

/** Code-flow steps shown per flow, and flows per comment: the finding's page has them all. */
const maxSteps = 12;
const maxFlows = 3;

const lines = (finding: Pick<CommentFinding, 'path' | 'startLine' | 'endLine'>): string => {
  if (finding.path === null) return 'no file';
  if (finding.startLine === null) return finding.path;
  const end = finding.endLine ?? finding.startLine;
  return `${finding.path}:${finding.startLine}${end > finding.startLine ? `-${end}` : ''}`;
};

/** `**High** · Rule name (rule-id)` */
function heading(finding: CommentFinding): string {
  const rule =
    finding.ruleName && finding.ruleName !== finding.ruleId
      ? `${escapeText(finding.ruleName, 200)} (${escapeText(finding.ruleId, 200)})`
      : escapeText(finding.ruleId, 200);
  return `**${severityLabel[finding.severity]}** · ${rule}`;
}

function linksLine(finding: CommentFinding): string {
  const parts = [
    finding.codeUrl ? link(lines(finding), finding.codeUrl) : escapeText(lines(finding), 300),
    ...(safeUrl(finding.helpUri) ? [link('Rule help', finding.helpUri)] : []),
    ...(finding.findingUrl ? [link('Finding in scm-connect', finding.findingUrl)] : []),
  ];
  return parts.join(' · ');
}

function codeFlowLines(finding: CommentFinding): string[] {
  const out: string[] = [];
  for (const [index, flow] of finding.codeFlows.slice(0, maxFlows).entries()) {
    if (flow.steps.length === 0) continue;
    const title = flow.message ? `: ${escapeText(flow.message, 300)}` : '';
    out.push('', `**Code flow${finding.codeFlows.length > 1 ? ` ${index + 1}` : ''}**${title}`, '');
    for (const [n, step] of flow.steps.slice(0, maxSteps).entries()) {
      const where = link(step.label, step.url);
      out.push(`${n + 1}. ${where}${step.message ? ` ${escapeText(step.message, 300)}` : ''}`);
    }
    if (flow.steps.length > maxSteps)
      out.push(`${maxSteps + 1}. … ${flow.steps.length - maxSteps} more steps`);
  }
  return out;
}

function fit(format: CommentFormat, build: (level: number) => string): string {
  for (let level = 0; level < 4; level += 1) {
    const body = build(level);
    if (body.length <= format.maxBodyLength) return body;
  }
  const body = build(4);
  return body.length <= format.maxBodyLength ? body : body.slice(0, format.maxBodyLength);
}

/**
 * The inline comment of an open finding: severity and rule, the message, links (code at the commit, rule help,
 * the finding), the code flows, and a suggestion when the log has a fix for its lines and the SCM takes them.
 * Shorter forms are tried until the body fits the SCM's limit.
 */
export function inlineBody(
  finding: CommentFinding,
  format: CommentFormat,
  suggestion?: { readonly replacement: string; readonly position: InlinePosition },
): string {
  return fit(format, (level) => {
    const messageLength = [4_000, 1_000, 300, 100, 100][level]!;
    const parts = [
      format.hiddenMarker(markerText(finding.key)),
      heading(finding),
      '',
      escapeText(finding.message, messageLength),
      '',
      linksLine(finding),
      ...(level < 2 ? codeFlowLines(finding) : []),
    ];
    if (suggestion && format.suggestion && level < 3) {
      parts.push('', 'Suggested fix:', '', format.suggestion(suggestion.replacement, suggestion.position));
    }
    parts.push('', replyHelp);
    return parts.join('\n');
  });
}

/** The body a finding's comment gets once it is fixed or ignored, on SCMs that cannot resolve a comment. */
export function closedBody(finding: CommentFinding, format: CommentFormat): string {
  const what =
    finding.state === 'ignored' && finding.ignoredReason
      ? `Ignored as ${ignoreReasonLabel[finding.ignoredReason]}.`
      : 'Fixed: the latest scan no longer reports this finding.';
  return fit(format, (level) =>
    [
      format.hiddenMarker(markerText(finding.key)),
      `~~${heading(finding)}~~ · ${what}`,
      '',
      escapeText(finding.message, [1_000, 300, 100, 100, 100][level]!),
      '',
      linksLine(finding),
    ].join('\n'),
  );
}

/** Why a finding is listed in the summary rather than on its line. */
export type ListedReason = 'outside-diff' | 'rule-threshold' | 'no-location' | 'no-inline';

const listedReasonText: Readonly<Record<ListedReason, string>> = {
  'outside-diff': 'not in the diff',
  'rule-threshold': 'rule fires often',
  'no-location': 'no line',
  'no-inline': 'no inline comments here',
};

export interface SummaryContent {
  /** Open findings new in the pull request. */
  readonly open: readonly CommentFinding[];
  readonly blockingSeverities: readonly FindingSeverity[];
  readonly listed: readonly { readonly finding: CommentFinding; readonly reason: ListedReason }[];
  readonly fixed: readonly CommentFinding[];
  readonly ignored: readonly CommentFinding[];
  /** scm-connect's page with every finding of the scan. */
  readonly scanUrl: string;
}

function item(finding: CommentFinding, extra?: string): string {
  const where = finding.codeUrl ? link(lines(finding), finding.codeUrl) : escapeText(lines(finding), 300);
  const more = finding.findingUrl ? ` · ${link('finding', finding.findingUrl)}` : '';
  return `- ${heading(finding)}: ${escapeText(finding.message, 200)} (${where}${more})${extra ? ` · ${extra}` : ''}`;
}

function section(title: string, items: readonly string[], cap: number, scanUrl: string): string[] {
  if (items.length === 0) return [];
  const shown = items.slice(0, cap);
  const rest = items.length - shown.length;
  return [
    '',
    `**${title}** (${items.length})`,
    '',
    ...shown,
    ...(rest > 0 ? [`- … and ${rest} more: ${link('the full list', scanUrl)}`] : []),
  ];
}

/** The one summary comment of a pull request; lists are cut (with a link to the full list) to fit the SCM's limit. */
export function summaryBody(content: SummaryContent, format: CommentFormat): string {
  const counts = severityOrder.map((severity) => content.open.filter((f) => f.severity === severity).length);
  const blocking = content.open.filter((f) => content.blockingSeverities.includes(f.severity));
  const title =
    content.open.length === 0
      ? 'scm-connect: no open findings new in this pull request'
      : `scm-connect: ${content.open.length} new finding${content.open.length === 1 ? '' : 's'} in this pull request`;
  return fit(format, (level) => {
    const cap = [1_000, 100, 20, 5, 0][level]!;
    return [
      format.hiddenMarker(markerText(summaryKey)),
      `### ${title}`,
      '',
      `| ${severityOrder.map((s) => severityLabel[s]).join(' | ')} |`,
      `| ${severityOrder.map(() => '---').join(' | ')} |`,
      `| ${counts.join(' | ')} |`,
      ...section(
        `Blocking (${content.blockingSeverities.map((s) => severityLabel[s]).join(', ') || 'none'})`,
        blocking.map((f) => item(f)),
        cap,
        content.scanUrl,
      ),
      ...section(
        'Not commented on their lines',
        content.listed.map(({ finding, reason }) => item(finding, listedReasonText[reason])),
        cap,
        content.scanUrl,
      ),
      ...section(
        'Fixed in this pull request',
        content.fixed.map((f) => item(f)),
        cap,
        content.scanUrl,
      ),
      ...section(
        'Ignored',
        content.ignored.map((f) => item(f, f.ignoredReason ? ignoreReasonLabel[f.ignoredReason] : undefined)),
        cap,
        content.scanUrl,
      ),
      '',
      link('Every finding of this scan in scm-connect', content.scanUrl),
    ].join('\n');
  });
}

/** The commit status' text: counts of the new findings and how many block; under 140 characters. */
export function statusDescription(open: readonly CommentFinding[], blocking: number): string {
  if (open.length === 0) return 'No new findings';
  const counts = severityOrder
    .map((severity) => [severity, open.filter((f) => f.severity === severity).length] as const)
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${count} ${severity}`);
  const text = `${open.length} new finding${open.length === 1 ? '' : 's'} (${counts.join(', ')})${
    blocking > 0 ? `, ${blocking} blocking` : ''
  }`;
  return text.length <= 140 ? text : `${text.slice(0, 139)}…`;
}
