import {
  Document,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  Scalar,
  YAMLMap,
  type Node,
  type ToStringOptions,
  visit,
} from 'yaml';
import { CiFileError } from './errors.js';

/** Larger existing CI files are refused rather than parsed. */
const maxFileChars = 1024 * 1024;

/** How a file was written, so that what we re-render looks like what was there. */
export type Layout = Pick<ToStringOptions, 'indent' | 'indentSeq' | 'flowCollectionPadding'>;

export const newFileLayout: Layout = { indent: 2, indentSeq: true, flowCollectionPadding: false };

export interface ParsedCiFile {
  readonly doc: Document.Parsed;
  readonly root: YAMLMap;
  readonly layout: Layout;
}

/**
 * Parses an existing CI file for merging, keeping its comments, blank lines, quoting, anchors and tags. Throws
 * `CiFileError` `ci_file_invalid` for YAML errors (with line and column) and a top level that is not a map.
 * A file of comments only is an empty map.
 */
export function parseCiFile(path: string, text: string, linter: string): ParsedCiFile {
  if (text.length > maxFileChars) {
    throw new CiFileError(
      'ci_file_unmergeable',
      `\`${path}\` is larger than 1 MiB; scm-connect does not merge into files that size.`,
      `Add the scanner's job to \`${path}\` by hand, or split the file with includes or templates.`,
    );
  }
  const doc = parseDocument(text, { keepSourceTokens: false, uniqueKeys: true, logLevel: 'error' });
  const [error] = doc.errors;
  if (error !== undefined) {
    if (error.code === 'MULTIPLE_DOCS') {
      throw new CiFileError(
        'ci_file_unmergeable',
        `\`${path}\` holds more than one YAML document (separated by \`---\`).`,
        `Add the scanner's job to \`${path}\` by hand, in the document that holds the jobs.`,
      );
    }
    const at = error.linePos?.[0];
    const where = at === undefined ? '' : ` at line ${at.line}, column ${at.col}`;
    const what = error.code.toLowerCase().replaceAll('_', ' ');
    throw new CiFileError(
      'ci_file_invalid',
      `\`${path}\` on the default branch is not valid YAML${where} (${what}).`,
      `Correct \`${path}\`${where}${linter}, then add the CI job again.`,
    );
  }
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) === undefined) {
        throw new CiFileError(
          'ci_file_invalid',
          `\`${path}\` on the default branch uses an alias (\`*name\`) whose anchor (\`&name\`) is not defined before it.`,
          `Define the anchor before its alias in \`${path}\`${linter}, then add the CI job again.`,
        );
      }
    },
  });
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    // A file of comments only: its comments stay with the document, its jobs go into a new map.
    doc.contents = new YAMLMap(doc.schema) as YAMLMap.Parsed;
  }
  if (!isMap(doc.contents)) {
    const found = isSeq(doc.contents) ? 'a list' : 'a single value';
    throw new CiFileError(
      'ci_file_invalid',
      `The top level of \`${path}\` is ${found}, not a map of keys.`,
      `Make \`${path}\` a map of keys as its CI system expects${linter}, or remove it, then add the CI job again.`,
    );
  }
  return { doc, root: doc.contents, layout: layoutOf(text) };
}

/** Indentation, sequence indentation and flow padding as the file uses them. */
function layoutOf(text: string): Layout {
  const indents = [...text.matchAll(/^( +)[^\s#]/gm)].map((match) => match[1]!.length);
  const smallest = indents.length === 0 ? 2 : Math.min(...indents);
  return {
    indent: smallest >= 2 && smallest <= 8 ? smallest : 2,
    // `key:` followed by `- item` at the same indentation
    indentSeq: !/^( *)[^\s#-][^\n]*:[ \t]*(?:#[^\n]*)?\r?\n\1- /m.test(text),
    flowCollectionPadding: /:[ \t]+[[{] [^\s\]}]/.test(text),
  };
}

/** The document as text: no line folding (scripts and names stay on one line), the file's own layout. */
export function renderDocument(doc: Document, layout: Layout, extra: ToStringOptions = {}): string {
  return doc.toString({ ...layout, lineWidth: 0, minContentWidth: 0, ...extra });
}

/** A double-quoted scalar: how every repository or branch name is written. */
export function quoted(value: string): Scalar<string> {
  const scalar = new Scalar(value);
  scalar.type = Scalar.QUOTE_DOUBLE;
  return scalar;
}

/** A key that starts a block of its own: a blank line and an optional comment before it. */
export function leadKey(key: string, comment?: string): Scalar<string> {
  const scalar = new Scalar(key);
  scalar.spaceBefore = true;
  if (comment !== undefined) scalar.commentBefore = comment;
  return scalar;
}

/** The string value of a scalar node, or undefined. */
export function textOf(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

/** A scalar as the name a CI system reads (`123:` names branch `123`), or undefined for other nodes and null. */
export function nameOf(node: unknown): string | undefined {
  if (!isScalar(node) || node.value === null || typeof node.value === 'object') return undefined;
  return String(node.value as string | number | boolean | bigint);
}

/** The map under `key` of `map`, created (after the last key) when missing; undefined when it is not a map. */
export function mapUnder(doc: Document, map: YAMLMap, key: string): YAMLMap | undefined {
  const node: unknown = map.get(key, true);
  if (node === undefined || (isScalar(node) && node.value === null)) {
    const created = new YAMLMap(doc.schema);
    map.set(key, created);
    return created;
  }
  return isMap(node) ? node : undefined;
}

/** Checks that what we produced parses again without errors. */
export function reparses(text: string): boolean {
  return parseDocument(text, { uniqueKeys: true, logLevel: 'error' }).errors.length === 0;
}

export type { Node };
