import { rootlessPath, withCheckoutRoot, type PathContext } from './artifact-paths.js';
import type { FileLineSource } from './file-lines.js';
import { forEachLimited } from './identity.js';
import { asArray, asObject, type JsonObject } from './sarif-values.js';

/** Absolute paths tried, and segments of each: enough for any CI workspace, few SCM reads at worst. */
const maxCandidates = 3;
const maxSegments = 24;

/** The run's paths placed against its checkout, and how that checkout was found when the log did not say. */
export interface FoundRoot {
  readonly context: PathContext;
  readonly note?: string;
}

/**
 * Finds the checkout root of a run whose locations are absolute `file:` paths while the log says nothing of where
 * the checkout was (the ESLint SARIF formatter writes `file:///builds/ci/app/app/src/a.js` and no
 * `originalUriBaseIds`, `mappedTo` or `workingDirectory`): the longest tail of such a path that is a file of the
 * repository at the scanned commit (`src/a.js`) makes the rest (`/builds/ci/app/app/`) the root. Up to
 * three result paths are tried, in the order of the results; without an answer the context stays as it was and
 * those locations keep no path.
 */
export async function findCheckoutRoot(
  run: JsonObject,
  context: PathContext,
  files: Pick<FileLineSource, 'exists'>,
): Promise<FoundRoot> {
  for (const absolute of rootlessPaths(run, context)) {
    const segments = absolute.split('/').filter((segment) => segment !== '');
    // A Windows drive (`C:`) is never part of a repository path.
    const first = /^[a-z]:$/i.test(segments[0] ?? '') ? 1 : 0;
    const tails = segments
      .slice(first)
      .map((_segment, at) => segments.slice(first + at).join('/'))
      .slice(-maxSegments);
    const found = new Map<string, boolean | undefined>();
    await forEachLimited(tails, 8, async (tail) => void found.set(tail, await files.exists(tail)));
    const tail = tails.find((candidate) => found.get(candidate) === true);
    if (tail === undefined) {
      // The SCM cannot tell (no reader, a failed read): asking about other paths would not help.
      if (tails.some((candidate) => found.get(candidate) === undefined)) return { context };
      continue;
    }
    const root = absolute.slice(0, absolute.length - tail.length);
    return {
      context: withCheckoutRoot(context, root),
      note:
        `The log gives absolute paths without saying where the checkout was; ${root} was taken as the ` +
        `checkout, since ${tail} is a file of the repository at the scanned commit.`,
    };
  }
  return { context };
}

/** The distinct absolute paths of the results' primary locations that the run gives no root for, first few. */
function rootlessPaths(run: JsonObject, context: PathContext): string[] {
  const paths = new Set<string>();
  if (context.checkoutRoots.length > 0) return [];
  for (const result of asArray(run.results)) {
    const location = asObject(asArray(asObject(result)?.locations)[0]);
    const path = rootlessPath(asObject(location?.physicalLocation)?.artifactLocation, context);
    if (path !== undefined) paths.add(path);
    if (paths.size === maxCandidates) break;
  }
  return [...paths];
}
