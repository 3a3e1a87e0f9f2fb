/**
 * A very small, safe subset of Markdown for a rule's help from a scanner: paragraphs, headings, lists, fenced
 * code, and inline `code`, **bold** and [links](https://…). The result is data, rendered as React text, so
 * nothing in the source can become HTML; links stay text unless the renderer finds them http(s).
 */
export type Inline =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'code'; readonly text: string }
  | { readonly kind: 'strong'; readonly text: string }
  | { readonly kind: 'link'; readonly text: string; readonly href: string };

export type Block =
  | { readonly kind: 'paragraph'; readonly content: readonly Inline[] }
  | { readonly kind: 'heading'; readonly content: readonly Inline[] }
  | { readonly kind: 'list'; readonly ordered: boolean; readonly items: readonly (readonly Inline[])[] }
  | { readonly kind: 'code'; readonly text: string };

/** Help longer than this is cut (a rule's help is a few paragraphs; a megabyte of it is not help). */
export const maxMarkdownLength = 20_000;

/** A link's address may hold one level of balanced parentheses (`https://en.wikipedia.org/wiki/X_(Y)`). */
const inlinePattern =
  /`([^`\n]+)`|\*\*([^*\n]+)\*\*|__([^_\n]+)__|\[([^\]\n]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)/g;

/** The inline pieces of one block's text. */
export const parseInline = (text: string): Inline[] => {
  const pieces: Inline[] = [];
  let last = 0;
  for (const match of text.matchAll(inlinePattern)) {
    if (match.index > last) pieces.push({ kind: 'text', text: text.slice(last, match.index) });
    const [, code, strong, strongAlt, linkText, href] = match;
    if (code !== undefined) pieces.push({ kind: 'code', text: code });
    else if (strong !== undefined || strongAlt !== undefined)
      pieces.push({ kind: 'strong', text: (strong ?? strongAlt)! });
    else pieces.push({ kind: 'link', text: linkText!, href: href! });
    last = match.index + match[0].length;
  }
  if (last < text.length) pieces.push({ kind: 'text', text: text.slice(last) });
  return pieces;
};

const fence = /^\s*(```|~~~)/;
const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/;
const bullet = /^\s*[-*+]\s+(.*)$/;
const numbered = /^\s*\d{1,9}[.)]\s+(.*)$/;

/** The blocks of a Markdown text, in the subset above; anything else reads as paragraph text. */
export const parseMarkdown = (source: string): Block[] => {
  const lines = source.slice(0, maxMarkdownLength).replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  let list: { ordered: boolean; items: string[] } | null = null;

  const flush = () => {
    if (paragraph.length > 0) blocks.push({ kind: 'paragraph', content: parseInline(paragraph.join(' ')) });
    paragraph = [];
    if (list) blocks.push({ kind: 'list', ordered: list.ordered, items: list.items.map(parseInline) });
    list = null;
  };

  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const opening = fence.exec(line);
    if (opening) {
      flush();
      const code: string[] = [];
      for (index++; index < lines.length && !lines[index]!.trim().startsWith(opening[1]!); index++) {
        code.push(lines[index]!);
      }
      blocks.push({ kind: 'code', text: code.join('\n') });
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    const title = heading.exec(line);
    if (title) {
      flush();
      blocks.push({ kind: 'heading', content: parseInline(title[1]!) });
      continue;
    }
    const item = bullet.exec(line) ?? numbered.exec(line);
    if (item) {
      const ordered = !bullet.test(line);
      if (paragraph.length > 0 || (list && list.ordered !== ordered)) flush();
      list ??= { ordered, items: [] };
      list.items.push(item[1]!);
      continue;
    }
    if (list) {
      // A line under a list item continues it.
      const items = list.items;
      items[items.length - 1] = `${items[items.length - 1]} ${line.trim()}`;
      continue;
    }
    paragraph.push(line.trim());
  }
  flush();
  return blocks;
};
