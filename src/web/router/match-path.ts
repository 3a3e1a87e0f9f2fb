/** Path parameters by name, decoded. */
export type PathParams = Readonly<Record<string, string>>;

/**
 * Matches a pathname against a pattern such as `/invite/:token`: `null` when it does not match. A trailing
 * slash is ignored; parameters match one non-empty segment.
 */
export const matchPath = (pattern: string, pathname: string): PathParams | null => {
  const split = (path: string) => path.split('/').filter((part) => part !== '');
  const want = split(pattern);
  const have = split(pathname);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of want.entries()) {
    const actual = have[index]!;
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(actual);
      } catch {
        return null;
      }
    } else if (part !== actual) {
      return null;
    }
  }
  return params;
};
