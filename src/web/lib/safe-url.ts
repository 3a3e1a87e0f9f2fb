/**
 * Returns the URL when it is an absolute http(s) URL, else `null`: links that come from the server are
 * rendered only then, so a `javascript:` or `data:` value never becomes clickable.
 */
export const safeHttpUrl = (value: string | null | undefined): string | null => {
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
};

/**
 * Resolves a link the server gives as a path (`/invite/…`) against the page's origin; absolute http(s)
 * links pass through, anything else gives `null`.
 */
export const absoluteAppUrl = (value: string, origin: string): string | null => {
  if (value.startsWith('/') && !value.startsWith('//')) return safeHttpUrl(new URL(value, origin).href);
  return safeHttpUrl(value);
};
