import { asArray, asInteger, asObject, asString, type JsonObject } from './sarif-values.js';

/**
 * Where a SARIF artifact sits in the repository: a repository-relative path (`src/app.ts`, `/` separators, not
 * percent-encoded), or no path and why not.
 */
export type PlacedPath =
  | { readonly path: string; readonly unlinkedReason?: undefined }
  | { readonly path: null; readonly unlinkedReason: string };

/** What a run says about its paths: its `originalUriBaseIds`, artifacts and the checkout root. */
export interface PathContext {
  readonly uriBases: JsonObject;
  readonly artifacts: readonly unknown[];
  /** Absolute paths (from `file:` URIs, decoded, ending in `/`) of the checkout root, best first. */
  readonly checkoutRoots: readonly string[];
}

/** A base or location resolved so far: relative to the checkout root, or an absolute URI. */
type Reference = { readonly relative: string } | { readonly absolute: URL } | { readonly unlinked: string };

const maxBaseDepth = 16;
const schemePattern = /^[a-z][a-z0-9+.-]+:/i;
const drivePattern = /^[a-z]:[\\/]/i;

const unplaced = (unlinkedReason: string): PlacedPath => ({ path: null, unlinkedReason });

/** Reads the run's bases and works out its checkout root (`versionControlProvenance` mapping, SRCROOT, cwd). */
export function createPathContext(run: JsonObject): PathContext {
  const uriBases = asObject(run.originalUriBaseIds) ?? {};
  const partial: PathContext = { uriBases, artifacts: asArray(run.artifacts), checkoutRoots: [] };
  const roots: string[] = [];
  const addRoot = (reference: Reference | undefined) => {
    if (reference && 'absolute' in reference && reference.absolute.protocol === 'file:') {
      const root = filePathOf(reference.absolute);
      if (root !== undefined) roots.push(root.endsWith('/') ? root : `${root}/`);
    }
  };
  for (const provenance of asArray(run.versionControlProvenance)) {
    const baseId = asString(asObject(asObject(provenance)?.mappedTo)?.uriBaseId);
    if (baseId !== undefined) addRoot(resolveBase(partial, baseId, 0));
  }
  for (const baseId of Object.keys(uriBases)) {
    if (/^%?src_?root%?$/i.test(baseId)) addRoot(resolveBase(partial, baseId, 0));
  }
  for (const invocation of asArray(run.invocations)) {
    const uri = asString(asObject(asObject(invocation)?.workingDirectory)?.uri);
    if (uri !== undefined) addRoot(absoluteReference(uri));
  }
  return { ...partial, checkoutRoots: [...new Set(roots)] };
}

/**
 * Places an `artifactLocation` (`uri`, `uriBaseId`, or `index` into `run.artifacts`) in the repository.
 * Undefined when there is no artifact location at all.
 */
export function placeArtifact(artifactLocation: unknown, context: PathContext): PlacedPath | undefined {
  const reference = referenceOf(artifactLocation, context);
  return reference && placeReference(reference, context);
}

/**
 * The absolute local path (decoded, `/C:/…` for a Windows drive) an `artifactLocation` names when the run gives no
 * checkout root to place it by; undefined for any other location, or when the run has a root.
 */
export function rootlessPath(artifactLocation: unknown, context: PathContext): string | undefined {
  if (context.checkoutRoots.length > 0) return undefined;
  const reference = referenceOf(artifactLocation, context);
  if (!reference || !('absolute' in reference)) return undefined;
  const url = reference.absolute;
  if (url.protocol !== 'file:' || (url.hostname !== '' && url.hostname !== 'localhost')) return undefined;
  return filePathOf(url);
}

/** The context with `root` (an absolute path) as its checkout root. */
export const withCheckoutRoot = (context: PathContext, root: string): PathContext => ({
  ...context,
  checkoutRoots: [root.endsWith('/') ? root : `${root}/`],
});

function referenceOf(artifactLocation: unknown, context: PathContext): Reference | undefined {
  let location = asObject(artifactLocation);
  if (!location) return undefined;
  if (asString(location.uri) === undefined) {
    const index = asInteger(location.index, 0);
    const artifact = index === undefined ? undefined : asObject(context.artifacts[index]);
    location = asObject(artifact?.location) ?? location;
  }
  const uri = asString(location.uri);
  if (uri === undefined) return { unlinked: 'The location names no file.' };
  const baseId = asString(location.uriBaseId);
  return combine(uri, baseId === undefined ? { relative: '' } : resolveBase(context, baseId, 0));
}

function placeReference(reference: Reference, context: PathContext): PlacedPath {
  if ('unlinked' in reference) return unplaced(reference.unlinked);
  if ('relative' in reference) return normalizeRelative(reference.relative);
  const url = reference.absolute;
  if (url.protocol !== 'file:') {
    return unplaced(`The location is ${url.protocol}//${url.host}…, not a file of the repository.`);
  }
  if (url.hostname !== '' && url.hostname !== 'localhost') {
    return unplaced(`The location is a file on another host (${url.hostname}), not in the checkout.`);
  }
  const absolute = filePathOf(url);
  if (absolute === undefined) return unplaced('The location is not a valid file URI.');
  if (context.checkoutRoots.length === 0) {
    return unplaced(
      'The location is an absolute path and the log does not say where the checkout was ' +
        '(versionControlProvenance mappedTo, a SRCROOT base or invocations workingDirectory).',
    );
  }
  const comparable = comparablePath(absolute);
  for (const root of context.checkoutRoots) {
    if (comparable.startsWith(comparablePath(root))) {
      return normalizeRelative(encodeSegments(absolute.slice(root.length)));
    }
  }
  return unplaced(`The location ${absolute} is outside the checkout (${context.checkoutRoots[0]}).`);
}

/** Follows `uriBaseId` → `originalUriBaseIds[id]` → its own `uriBaseId`…; an unknown base is the checkout root. */
function resolveBase(context: PathContext, baseId: string, depth: number): Reference {
  if (depth > maxBaseDepth) return { unlinked: `The uriBaseId chain from "${baseId}" loops.` };
  const entry = asObject(context.uriBases[baseId]);
  const uri = asString(entry?.uri);
  // SARIF: a base without a URI (or not described at all, like %SRCROOT%) stands for the analysis root.
  if (!entry || uri === undefined) return { relative: '' };
  const parentId = asString(entry.uriBaseId);
  return combine(uri, parentId === undefined ? { relative: '' } : resolveBase(context, parentId, depth + 1));
}

/** `uri` read against `base`: absolute URIs and paths stand alone; a relative one is appended. */
function combine(uri: string, base: Reference): Reference {
  const absolute = absoluteReference(uri);
  if (absolute) return absolute;
  if ('unlinked' in base) return base;
  const relative = uri.replace(/\\/g, '/');
  if ('relative' in base) {
    return { relative: base.relative === '' ? relative : `${base.relative.replace(/\/*$/, '/')}${relative}` };
  }
  try {
    const directory = base.absolute.href.endsWith('/') ? base.absolute.href : `${base.absolute.href}/`;
    return { absolute: new URL(relative, directory) };
  } catch {
    return { unlinked: `The location "${uri}" cannot be read against its base.` };
  }
}

function absoluteReference(uri: string): Reference | undefined {
  if (drivePattern.test(uri)) return toUrl(`file:///${uri.replace(/\\/g, '/')}`, uri);
  if (uri.startsWith('//')) return toUrl(`file:${uri}`, uri);
  if (uri.startsWith('/')) return toUrl(`file://${uri}`, uri);
  if (schemePattern.test(uri)) return toUrl(uri, uri);
  return undefined;
}

function toUrl(text: string, original: string): Reference {
  try {
    return { absolute: new URL(text) };
  } catch {
    return { unlinked: `The location "${original}" is not a valid URI.` };
  }
}

/** The decoded path of a `file:` URL, `/C:/…` for a Windows drive; undefined when it does not decode. */
function filePathOf(url: URL): string | undefined {
  try {
    return decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
}

/** Windows drive letters compare case-insensitively. */
const comparablePath = (path: string): string =>
  path.replace(/^\/([a-z]):/i, (_m, d: string) => `/${d.toLowerCase()}:`);

const encodeSegments = (path: string): string => path.split('/').map(encodeURIComponent).join('/');

/** Percent-decoding, `./`, duplicate slashes and `..` (which must not climb out of the repository). */
export function normalizeRelative(relative: string): PlacedPath {
  const withoutQuery = relative.replace(/[?#].*$/, '');
  const segments: string[] = [];
  for (const raw of withoutQuery.replace(/\\/g, '/').split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      segment = raw;
    }
    if (segment === '' || segment === '.') continue;
    if (segment.includes('/') || segment.includes('\0')) {
      return unplaced(`The location "${relative}" encodes a separator or NUL inside a name.`);
    }
    if (segment === '..') {
      if (segments.length === 0)
        return unplaced(`The location "${relative}" climbs out of the repository (..).`);
      segments.pop();
      continue;
    }
    segments.push(segment);
  }
  if (segments.length === 0) return unplaced(`The location "${relative}" names no file.`);
  return { path: segments.join('/') };
}
