import { describe, expect, it } from 'vitest';
import { planReconciliation, type Plan, type PlanInput } from '../../src/comments/plan.js';
import { bodyHash, findingKey, keyOfBody, markerText } from '../../src/comments/keys.js';
import type { CommentFinding, StoredComment } from '../../src/comments/types.js';
import type { CommentFormat, ScmComment } from '../../src/scm/provider.js';

const format: CommentFormat = {
  hiddenMarker: (text) => `<!-- ${text} -->`,
  suggestion: (replacement) => `\`\`\`suggestion\n${replacement}\n\`\`\``,
  maxBodyLength: 65_536,
};

const bot = { id: '99', login: 'scanner-bot' };
const human = { id: '7', login: 'alice' };
const head = 'a'.repeat(40);

function finding(name: string, over: Partial<CommentFinding> = {}): CommentFinding {
  return {
    key: findingKey({ toolName: 'tool', category: '', fingerprint: name }),
    findingId: `id-${name}`,
    ruleId: 'rule/one',
    ruleName: 'Rule one',
    helpUri: 'https://rules.example/one',
    severity: 'high',
    message: `Problem ${name}`,
    path: 'src/app.js',
    startLine: 3,
    endLine: 3,
    codeUrl: `https://scm.example/acme/app/blob/${head}/src/app.js#L3`,
    findingUrl: `https://scm-connect.example/findings/id-${name}`,
    codeFlows: [],
    state: 'open',
    ...over,
  };
}

function input(over: Partial<PlanInput> = {}): PlanInput {
  return {
    findings: [],
    diff: {
      headSha: head,
      baseSha: 'b'.repeat(40),
      state: 'open',
      files: [{ path: 'src/app.js', commentable: [{ start: 1, end: 20 }] }],
    },
    stored: [],
    listed: [],
    identity: bot,
    format,
    canInline: true,
    canResolve: true,
    settings: { ruleThreshold: 5, blockingSeverities: ['critical', 'high'] },
    commitSha: head,
    scanUrl: 'https://scm-connect.example/findings?scan=s1&new=true',
    lastStatus: undefined,
    ...over,
  };
}

/** What the SCM and our rows hold after a plan ran as planned (ids c1, c2, …). */
function applied(before: PlanInput, plan: Plan): Pick<PlanInput, 'stored' | 'listed' | 'lastStatus'> {
  let next = before.listed.length + 1;
  const listed = new Map(before.listed.map((c) => [c.id, c]));
  const stored = new Map(before.stored.map((row) => [row.key, row]));
  for (const row of plan.records) stored.set(row.key, row);
  for (const key of plan.forget) stored.delete(key);
  for (const d of plan.deletes) listed.delete(d.ref.id);
  for (const create of plan.creates) {
    const id = `c${next++}`;
    listed.set(id, { id, body: create.body, author: bot, position: create.position, replyCount: 0 });
    stored.set(create.key, {
      key: create.key,
      findingId: create.finding.findingId,
      placement: 'inline',
      ref: { id },
      bodyHash: bodyHash(create.body),
      status: 'open',
    });
  }
  for (const edit of plan.edits) {
    listed.set(edit.ref.id, { ...listed.get(edit.ref.id)!, body: edit.body });
    stored.set(edit.key, edit.row);
  }
  for (const resolve of plan.resolves) {
    listed.set(resolve.ref.id, { ...listed.get(resolve.ref.id)!, resolved: resolve.resolved });
    stored.set(resolve.key, resolve.row);
  }
  let summaryUrl: string | undefined;
  if (plan.summary.action === 'create') {
    const id = `c${next++}`;
    summaryUrl = `https://scm.example/pr/1#comment-${id}`;
    listed.set(id, { id, body: plan.summary.body, author: bot, webUrl: summaryUrl });
    stored.set('summary', {
      key: 'summary',
      findingId: null,
      placement: 'summary',
      ref: { id },
      webUrl: summaryUrl,
      bodyHash: bodyHash(plan.summary.body),
      status: 'open',
    });
  } else if (plan.summary.action === 'edit') {
    listed.set(plan.summary.ref.id, { ...listed.get(plan.summary.ref.id)!, body: plan.summary.body });
    stored.set('summary', plan.summary.row);
  }
  const status = plan.status.status;
  const lastStatus = plan.status.write
    ? {
        state: status.state,
        description: status.description,
        sha: status.commitSha,
        targetUrl: status.targetUrl || (summaryUrl ?? before.scanUrl),
      }
    : before.lastStatus;
  return { listed: [...listed.values()], stored: [...stored.values()], lastStatus };
}

const writes = (plan: Plan) =>
  plan.creates.length +
  plan.edits.length +
  plan.resolves.length +
  plan.deletes.length +
  (plan.summary.action === 'create' || plan.summary.action === 'edit' ? 1 : 0) +
  (plan.status.write ? 1 : 0);

/** The first scan's plan, applied: the state a re-scan starts from. */
function afterFirst(findings: CommentFinding[], over: Partial<PlanInput> = {}) {
  const first = input({ findings, ...over });
  return { ...first, ...applied(first, planReconciliation(first)) };
}

describe('planning pull request comments', () => {
  it('first scan: a comment on each finding in the diff, the summary, a failing status', () => {
    const a = finding('a');
    const b = finding('b', { severity: 'low', startLine: 8, endLine: 10 });
    const plan = planReconciliation(input({ findings: [a, b] }));
    expect(plan.creates.map((c) => [c.key, c.position])).toEqual([
      [a.key, { path: 'src/app.js', line: 3, commitSha: head }],
      [b.key, { path: 'src/app.js', line: 10, startLine: 8, commitSha: head }],
    ]);
    const body = plan.creates[0]!.body;
    expect(keyOfBody(body)).toBe(a.key);
    expect(body).toContain(`<!-- ${markerText(a.key)} -->`);
    expect(body).toContain('**High** · Rule one (rule/one)');
    expect(body).toContain('Problem a');
    expect(body).toContain('[Rule help](https://rules.example/one)');
    expect(body).toContain(`(${a.codeUrl})`);
    expect(body).toContain(`[Finding in scm-connect](${a.findingUrl})`);
    expect(plan.summary.action).toBe('create');
    expect(plan.edits).toEqual([]);
    expect(plan.status).toEqual({
      status: {
        commitSha: head,
        state: 'failure',
        description: '2 new findings (1 high, 1 low), 1 blocking',
        targetUrl: '',
      },
      write: true,
    });
  });

  it('an unchanged re-scan plans no write at all', () => {
    const findings = [finding('a'), finding('b', { severity: 'medium', path: 'lib/other.js' })];
    const again = afterFirst(findings);
    const plan = planReconciliation(again);
    expect(writes(plan)).toBe(0);
    expect(plan.summary.action).toBe('keep');
    expect(plan.records).toEqual([]);
  });

  it('a finding whose text changed: its comment is edited, and only it', () => {
    const a = finding('a', { severity: 'medium' });
    const b = finding('b', { severity: 'medium', startLine: 5, endLine: 5 });
    const again = afterFirst([a, b]);
    const plan = planReconciliation({ ...again, findings: [{ ...a, message: 'Problem a, worded anew' }, b] });
    expect(plan.creates).toEqual([]);
    expect(plan.edits.map((e) => e.key)).toEqual([a.key]);
    expect(plan.edits[0]!.body).toContain('Problem a, worded anew');
    // The summary lists only blocking and listed findings, neither of which changed.
    expect(plan.summary.action).toBe('keep');
    expect(plan.status.write).toBe(false);
    // A blocking finding's new text shows in the summary too.
    const blocking = afterFirst([finding('a')]);
    const edited = planReconciliation({ ...blocking, findings: [finding('a', { message: 'New words' })] });
    expect(edited.summary.action).toBe('edit');
  });

  it('a fixed finding: its thread is resolved where the SCM can, else its body says it is fixed', () => {
    const a = finding('a');
    const b = finding('b', { startLine: 6, endLine: 6 });
    const again = afterFirst([a, b]);
    const plan = planReconciliation({ ...again, findings: [a, { ...b, state: 'fixed' }] });
    expect(plan.resolves).toEqual([
      expect.objectContaining({
        key: b.key,
        resolved: true,
        row: expect.objectContaining({ status: 'fixed' }),
      }),
    ]);
    expect(plan.edits).toEqual([]);
    expect(plan.deletes).toEqual([]);
    expect(plan.summary.action).toBe('edit');
    if (plan.summary.action === 'edit') expect(plan.summary.body).toContain('Fixed in this pull request');

    const noResolve = afterFirst([a, b], { canResolve: false });
    const edited = planReconciliation({ ...noResolve, findings: [a, { ...b, state: 'fixed' }] });
    expect(edited.resolves).toEqual([]);
    expect(edited.edits.map((e) => e.key)).toEqual([b.key]);
    expect(edited.edits[0]!.body).toContain('Fixed: the latest scan no longer reports this finding.');
    expect(keyOfBody(edited.edits[0]!.body)).toBe(b.key);

    // Once resolved, a further scan leaves it alone.
    const fixedState = { ...again, findings: [a, { ...b, state: 'fixed' as const }] };
    const third = { ...fixedState, ...applied(fixedState, plan) };
    expect(writes(planReconciliation(third))).toBe(0);
  });

  it('a fixed finding reported again reopens its thread', () => {
    const a = finding('a');
    const once = afterFirst([a]);
    const fixedInput = { ...once, findings: [{ ...a, state: 'fixed' as const }] };
    const fixed = { ...fixedInput, ...applied(fixedInput, planReconciliation(fixedInput)) };
    const plan = planReconciliation({ ...fixed, findings: [a] });
    expect(plan.creates).toEqual([]);
    expect(plan.resolves.map((r) => [r.key, r.resolved])).toEqual([[a.key, false]]);
  });

  it('a finding outside the diff goes to the summary, with its link and why', () => {
    const outside = finding('out', { path: 'src/untouched.js', message: 'Far away' });
    const farLine = finding('far', { startLine: 40, endLine: 40 });
    const plan = planReconciliation(input({ findings: [outside, farLine] }));
    expect(plan.creates).toEqual([]);
    expect(plan.listed.map((l) => [l.finding.key, l.reason])).toEqual([
      [farLine.key, 'outside-diff'],
      [outside.key, 'outside-diff'],
    ]);
    expect(plan.records.map((r) => [r.key, r.placement])).toEqual([
      [farLine.key, 'listed'],
      [outside.key, 'listed'],
    ]);
    expect(plan.summary.action).toBe('create');
    if (plan.summary.action !== 'create') return;
    expect(plan.summary.body).toContain('Not commented on their lines');
    expect(plan.summary.body).toContain('Far away');
    expect(plan.summary.body).toContain(`(${outside.findingUrl})`);
  });

  it('a rule firing more often than the threshold goes to the summary; others stay inline', () => {
    const many = Array.from({ length: 6 }, (_, i) => finding(`m${i}`, { startLine: i + 1, endLine: i + 1 }));
    const other = finding('other', { ruleId: 'rule/two', startLine: 12, endLine: 12 });
    const plan = planReconciliation(input({ findings: [...many, other] }));
    expect(plan.creates.map((c) => c.key)).toEqual([other.key]);
    expect(plan.listed.map((l) => l.reason)).toEqual(Array(6).fill('rule-threshold'));
    const atThreshold = planReconciliation(input({ findings: many.slice(0, 5) }));
    expect(atThreshold.creates).toHaveLength(5);
    const lower = planReconciliation(
      input({ findings: many, settings: { ruleThreshold: 10, blockingSeverities: [] } }),
    );
    expect(lower.creates).toHaveLength(6);
    expect(lower.status.status.state).toBe('success');
  });

  it('a comment someone replied to is never deleted: a fixed one is resolved, a duplicate kept', () => {
    const a = finding('a');
    const once = afterFirst([a]);
    const replied = once.listed.map((c) => (keyOfBody(c.body) === a.key ? { ...c, replyCount: 2 } : c));
    const duplicate: ScmComment = {
      ...replied.find((c) => keyOfBody(c.body) === a.key)!,
      id: 'dup',
      replyCount: 1,
    };
    const plan = planReconciliation({
      ...once,
      listed: [...replied, duplicate],
      findings: [{ ...a, state: 'fixed' }],
    });
    expect(plan.deletes).toEqual([]);
    expect(plan.resolves.map((r) => r.ref.id)).toEqual(['c1']);
  });

  it('duplicates of our comment without replies are deleted, the one in our rows kept', () => {
    const a = finding('a');
    const once = afterFirst([a]);
    const ours = once.listed.find((c) => keyOfBody(c.body) === a.key)!;
    const plan = planReconciliation({
      ...once,
      listed: [{ ...ours, id: 'older' }, ...once.listed, { ...ours, id: 'newer' }],
    });
    expect(plan.deletes.map((d) => d.ref.id).sort()).toEqual(['newer', 'older']);
    expect(plan.creates).toEqual([]);
    expect(plan.edits).toEqual([]);
  });

  it('without our rows, our comments are found by author and marker and adopted, not doubled', () => {
    const a = finding('a');
    const b = finding('b', { path: 'src/untouched.js' });
    const once = afterFirst([a, b]);
    const impostor: ScmComment = { ...once.listed[0]!, id: 'quote', author: human };
    const plan = planReconciliation({
      ...once,
      stored: [],
      listed: [...once.listed, impostor],
      lastStatus: undefined,
    });
    expect(plan.creates).toEqual([]);
    expect(plan.edits).toEqual([]);
    expect(plan.deletes).toEqual([]);
    expect(plan.summary.action).toBe('keep');
    expect(plan.records.map((r) => [r.key, r.placement, r.ref?.id]).sort()).toEqual(
      [
        [a.key, 'inline', 'c1'],
        [b.key, 'listed', undefined],
      ].sort(),
    );
    // The status is set again: what was set before is not known without our rows.
    expect(plan.status.write).toBe(true);
  });

  it('the status is written only when its state, text, commit or link change', () => {
    const a = finding('a');
    const once = afterFirst([a]);
    expect(planReconciliation(once).status.write).toBe(false);
    const ignored = planReconciliation({
      ...once,
      findings: [{ ...a, state: 'ignored', ignoredReason: 'false_positive' }],
    });
    expect(ignored.status).toEqual({
      status: expect.objectContaining({ state: 'success', description: 'No new findings' }),
      write: true,
    });
    const newHead = planReconciliation({ ...once, commitSha: 'c'.repeat(40) });
    expect(newHead.status.write).toBe(true);
  });

  it('a fix of the finding lines becomes a suggestion, unless another finding shares the lines', () => {
    const fixable = finding('fix', { suggestion: 'const safe = 1;' });
    const plan = planReconciliation(input({ findings: [fixable] }));
    expect(plan.creates[0]!.body).toContain('```suggestion\nconst safe = 1;\n```');
    const shared = planReconciliation(input({ findings: [fixable, finding('same-line')] }));
    expect(shared.creates.find((c) => c.key === fixable.key)!.body).not.toContain('suggestion');
    const noSuggestions = planReconciliation(
      input({ findings: [fixable], format: { hiddenMarker: format.hiddenMarker, maxBodyLength: 65_536 } }),
    );
    expect(noSuggestions.creates[0]!.body).not.toContain('suggestion');
  });

  it('scanner text is escaped: no HTML, links, mentions or formatting from a log', () => {
    const hostile = finding('h', {
      message:
        '<img src=x onerror=alert(1)> [click](javascript:alert(1)) @everyone **bold** https://evil.example',
      ruleName: '<b>rule</b>',
      helpUri: 'javascript:alert(1)',
    });
    const body = planReconciliation(input({ findings: [hostile] })).creates[0]!.body;
    expect(body).not.toMatch(/<img|<b>|\]\(javascript|https:\/\/evil/);
    expect(body).toContain('&lt;img src=x onerror=alert\\(1\\)&gt;');
    expect(body).toContain('\\@everyone');
    expect(body).not.toContain('Rule help');
  });

  it('bodies stay within the SCM limit; the summary links to the full list', () => {
    const tiny: CommentFormat = { ...format, maxBodyLength: 2_000 };
    const findings = Array.from({ length: 60 }, (_, i) =>
      finding(`n${i}`, { ruleId: `rule/${i}`, path: 'src/untouched.js', message: 'x'.repeat(200) }),
    );
    const plan = planReconciliation(input({ findings, format: tiny }));
    expect(plan.summary.action).toBe('create');
    if (plan.summary.action !== 'create') return;
    expect(plan.summary.body.length).toBeLessThanOrEqual(2_000);
    expect(plan.summary.body).toContain(
      '[the full list](https://scm-connect.example/findings?scan=s1&new=true)',
    );
    const long = planReconciliation(
      input({ findings: [finding('long', { message: 'y'.repeat(5_000) })], format: tiny }),
    );
    expect(long.creates[0]!.body.length).toBeLessThanOrEqual(2_000);
  });

  it('on an SCM without inline comments, every finding is listed in the summary', () => {
    const plan = planReconciliation(input({ findings: [finding('a')], canInline: false }));
    expect(plan.creates).toEqual([]);
    expect(plan.listed.map((l) => l.reason)).toEqual(['no-inline']);
  });

  it('rows whose finding is gone and whose comment is gone are forgotten', () => {
    const row: StoredComment = {
      key: findingKey({ toolName: 'tool', category: '', fingerprint: 'gone' }),
      findingId: 'id-gone',
      placement: 'listed',
      bodyHash: null,
      status: 'open',
    };
    const plan = planReconciliation(input({ stored: [row] }));
    expect(plan.forget).toEqual([row.key]);
    expect(plan.summary.action).toBe('none');
  });
});
