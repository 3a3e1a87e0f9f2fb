/*
 * Scanner output is untrusted: rule names, messages and paths come from the uploaded log. Before any of it goes
 * into a comment it is escaped so it renders as the text it is: no HTML, no links, no mentions, no formatting.
 */

/** Text on one line with every markdown and HTML meaning removed. */
export function escapeText(text: string, maxLength = 2_000): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const cut = flat.length > maxLength ? `${flat.slice(0, maxLength - 1)}…` : flat;
  return cut
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]()#+!|~@]/g, (c) => `\\${c}`)
    .replace(/^(\d+)([.)])/, '$1\\$2')
    .replace(/^([-=])/, '\\$1')
    .replace(/:\/\//g, ':\\/\\/');
}

/** An http(s) URL safe inside `[text](url)`, or undefined for anything else. */
export function safeUrl(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  return parsed.href.replace(
    /[()<>\s"']/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

/** `[text](url)` with the text escaped, or the escaped text alone when the URL is not http(s). */
export function link(text: string, url: string | null | undefined): string {
  const target = safeUrl(url);
  const label = escapeText(text, 300);
  return target === undefined ? label : `[${label}](${target})`;
}
