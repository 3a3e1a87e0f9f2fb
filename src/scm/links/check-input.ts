import { ScmError } from '../errors.js';
import type { BranchFileLocation, CheckedBase, CheckedTarget, FileLocation, LinkBase } from './types.js';

const shaPattern = /^[0-9a-f]{7,64}$/i;

/** Link inputs are data we were handed (a SARIF upload, a stored row): a bad one is `invalid`, never retried. */
export const invalidLinkInput = (code: string, message: string): ScmError =>
  new ScmError('invalid', message, {
    code,
    fix: 'Correct the location or the connection URL, then build the link again.',
  });

/**
 * Accepts an http(s) web root and keeps its context path; refuses other schemes (`javascript:`, `file:`),
 * credentials in the URL, a query or a fragment, since each would end up inside every link we emit.
 */
export function checkWebBase(base: LinkBase): CheckedBase {
  let url: URL;
  try {
    url = new URL(base.webUrl);
  } catch {
    throw invalidLinkInput('invalid_web_url', 'The web URL of the connection is not a valid URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalidLinkInput(
      'invalid_web_url',
      'The web URL of the connection must start with https:// or http://.',
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw invalidLinkInput('invalid_web_url', 'The web URL of the connection must not contain credentials.');
  }
  if (url.search !== '' || url.hash !== '') {
    throw invalidLinkInput(
      'invalid_web_url',
      'The web URL of the connection must not have a query or a fragment.',
    );
  }
  // The URL parser has already resolved any `.` and `..` segments of the context path.
  const contextPath = url.pathname.replace(/\/+$/, '');
  return { root: `${url.origin}${contextPath}` };
}

/** Percent-encodes one path or name segment; `/` never survives inside a segment. */
export const encodeSegment = (segment: string): string => encodeURIComponent(segment);

/** Checks one name (owner, group, project, slug…) and returns it encoded. */
export function checkName(value: string, what: string): string {
  if (value === '' || value.includes('/') || value === '.' || value === '..' || value.includes('\0')) {
    throw invalidLinkInput('invalid_repository', `The ${what} "${value}" is not a valid name.`);
  }
  return encodeSegment(value);
}

/** Splits a `fullName` on `/` into `min`..`max` checked, encoded names. */
export function splitFullName(fullName: string, min: number, max: number, shape: string): string[] {
  const parts = fullName.split('/');
  if (parts.length < min || parts.length > max) {
    throw invalidLinkInput(
      'invalid_repository',
      `The repository "${fullName}" does not have the form ${shape}.`,
    );
  }
  return parts.map((part) => checkName(part, 'repository name part'));
}

function checkPath(path: string): string[] {
  if (path.includes('\0')) {
    throw invalidLinkInput('invalid_path', 'The file path contains a NUL character.');
  }
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) {
    throw invalidLinkInput('invalid_path', 'The file path must not contain `..` segments.');
  }
  if (segments.length === 0) {
    throw invalidLinkInput('invalid_path', 'The file path is empty.');
  }
  return segments.map(encodeSegment);
}

const isLine = (value: number): boolean => Number.isSafeInteger(value) && value >= 1;

function checkLines(startLine: number | undefined, endLine: number | undefined): CheckedTarget['lines'] {
  if (startLine === undefined) {
    if (endLine !== undefined) {
      throw invalidLinkInput('invalid_line_range', 'An end line needs a start line.');
    }
    return undefined;
  }
  if (!isLine(startLine) || (endLine !== undefined && !isLine(endLine))) {
    throw invalidLinkInput('invalid_line_range', 'Line numbers must be whole numbers from 1.');
  }
  const end = endLine ?? startLine;
  if (end < startLine) {
    throw invalidLinkInput(
      'invalid_line_range',
      `The end line ${end} comes before the start line ${startLine}.`,
    );
  }
  return { start: startLine, end };
}

/** Validates the commit, path and lines of a location and encodes the path. */
export function checkTarget(location: FileLocation): CheckedTarget {
  if (!shaPattern.test(location.commitSha)) {
    throw invalidLinkInput('invalid_commit_sha', 'The commit id must be 7 to 64 hexadecimal digits.');
  }
  const lines = checkLines(location.startLine, location.endLine);
  const target = {
    ref: { commit: location.commitSha.toLowerCase() },
    pathSegments: checkPath(location.path),
  };
  return lines === undefined ? target : { ...target, lines };
}

/**
 * Validates a branch location. The branch must be a name Git accepts for a branch in the ways that matter to a
 * link: not empty, no control characters, no `..`, no leading `-` or `/`.
 */
export function checkBranchTarget(location: BranchFileLocation): CheckedTarget {
  const { branch } = location;
  // eslint-disable-next-line no-control-regex
  if (branch === '' || /[\x00-\x1f\x7f]/.test(branch) || branch.includes('..') || /^[-/]/.test(branch)) {
    throw invalidLinkInput('invalid_branch', `The branch "${branch}" is not a valid branch name.`);
  }
  const lines = checkLines(location.startLine, location.endLine);
  const target = { ref: { branch }, pathSegments: checkPath(location.path) };
  return lines === undefined ? target : { ...target, lines };
}

/** A branch name as path segments (GitHub, GitLab resolve `blob/release/2.x/path` against their refs). */
export const branchSegments = (branch: string): string => branch.split('/').map(encodeSegment).join('/');

/** A structured repository reference of another family than the connection's. */
export const wrongFamily = (given: string, expected: string): ScmError =>
  invalidLinkInput(
    'invalid_repository',
    `A ${given} repository cannot be linked on a ${expected} connection.`,
  );
