import type { IgnoreReason } from '../db/schema.js';

/** What a reply to one of our comments asks for: ignore the finding with a reason, or reopen it. */
export type ReplyCommand =
  | { readonly action: 'ignore'; readonly reason: IgnoreReason; readonly note: string }
  | { readonly action: 'reopen'; readonly note: string };

const reasons: Readonly<Record<string, IgnoreReason>> = {
  fp: 'false_positive',
  ar: 'acceptable_risk',
  other: 'other',
};

/**
 * The command a reply starts with: `/fp <reason>`, `/ar <reason>`, `/other <reason>` or `/open`; the rest of its
 * first line is the note. Undefined for any other reply.
 */
export function parseReplyCommand(body: string): ReplyCommand | undefined {
  const match = /^\s*\/(fp|ar|other|open)(?=\s|$)[^\S\r\n]*([^\r\n]*)/i.exec(body);
  if (!match) return undefined;
  const word = match[1]!.toLowerCase();
  const note = match[2]!.trim().slice(0, 1_000);
  if (word === 'open') return { action: 'reopen', note };
  return { action: 'ignore', reason: reasons[word]!, note };
}
