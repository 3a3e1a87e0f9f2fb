import { Document, isAlias, isMap, isSeq, visit, YAMLMap, YAMLSeq, type Node } from 'yaml';
import type { CiJobSettings } from '../ci-settings.js';
import { CiFileError } from './errors.js';
import { addedComment, jobNames, shellQuote, tokenVariable, uploadLine, urlVariable } from './job-parts.js';
import type { CiFileContext, CiTarget } from './types.js';
import {
  leadKey,
  mapUnder,
  nameOf,
  newFileLayout,
  quoted,
  renderDocument,
  textOf,
  type ParsedCiFile,
} from './yaml-document.js';

const path = 'bitbucket-pipelines.yml';
const byHand = `add the scanner's two steps to \`${path}\` by hand`;

/**
 * The two steps: the scan in the scanner's image keeping the SARIF log as an artifact, then the upload in the Node
 * image (no clone needed: it reads the artifact and Bitbucket's variables). The secured repository variable is
 * already an environment variable of the step; only another name needs copying to `SCM_CONNECT_API_TOKEN`.
 */
function bitbucketSteps(settings: CiJobSettings, context: CiFileContext) {
  const script = [`export ${urlVariable}=${shellQuote(context.serviceUrl)}`];
  if (settings.secretName !== tokenVariable) script.push(`export ${tokenVariable}="$${settings.secretName}"`);
  script.push(uploadLine(settings));
  return [
    {
      step: {
        name: jobNames.scanStep,
        image: settings.image,
        script: [settings.scanCommand],
        artifacts: [settings.sarifPath],
      },
    },
    {
      step: {
        name: jobNames.uploadStep,
        image: settings.uploadImage,
        clone: { enabled: false },
        script,
      },
    },
  ];
}

export function renderNewBitbucketFile(
  settings: CiJobSettings,
  target: CiTarget,
  context: CiFileContext,
): string {
  const doc = new Document({});
  mergeInto(doc, doc.contents as YAMLMap, settings, target, context);
  doc.commentBefore = addedComment;
  return renderDocument(doc, newFileLayout);
}

/**
 * Adds the steps to `pipelines.pull-requests` (every existing pattern, since a pull request runs only the one that
 * matches it best, and `'**'`), to `pipelines.branches[<default branch>]` and as `pipelines.custom.scm-connect-scan`
 * for a schedule made in Bitbucket. A new exact entry for the default branch would replace the pipeline that ran
 * there before (a pattern entry, else `default`), so it starts with a copy of that pipeline's steps.
 */
export function mergeBitbucketFile(
  parsed: ParsedCiFile,
  settings: CiJobSettings,
  target: CiTarget,
  context: CiFileContext,
): void {
  mergeInto(parsed.doc, parsed.root, settings, target, context);
}

function mergeInto(
  doc: Document,
  root: YAMLMap,
  settings: CiJobSettings,
  target: CiTarget,
  context: CiFileContext,
): void {
  const ours = () => doc.createNode(bitbucketSteps(settings, context)) as YAMLSeq;
  const pipelines = section(doc, root, 'pipelines', '');
  if (settings.triggers.pullRequests) {
    const pullRequests = section(doc, pipelines, 'pull-requests', 'pipelines.');
    for (const pair of pullRequests.items) upsertSteps(listOf(pair.value, 'pull-requests'), ours());
    if (!pullRequests.has('**')) pullRequests.add(doc.createPair(quoted('**'), ours()));
  }
  if (settings.triggers.defaultBranchPushes) {
    const branches = section(doc, pipelines, 'branches', 'pipelines.');
    const exact = branches.items.find((pair) => nameOf(pair.key) === target.defaultBranch);
    if (exact !== undefined) upsertSteps(listOf(exact.value, 'branches'), ours());
    else {
      const list = new YAMLSeq(doc.schema);
      for (const item of pipelineBefore(pipelines, branches, target.defaultBranch)) list.add(copyOf(item));
      for (const item of ours().items) list.add(item);
      branches.add(doc.createPair(quoted(target.defaultBranch), list));
    }
  }
  if (settings.triggers.schedule) {
    const custom = section(doc, pipelines, 'custom', 'pipelines.');
    if (custom.has(jobNames.scan)) custom.set(jobNames.scan, ours());
    else
      custom.add(doc.createPair(custom.items.length === 0 ? jobNames.scan : leadKey(jobNames.scan), ours()));
  }
}

function section(doc: Document, parent: YAMLMap, key: string, prefix: string): YAMLMap {
  const map = mapUnder(doc, parent, key);
  if (map === undefined) {
    throw new CiFileError(
      'ci_file_unmergeable',
      `\`${prefix}${key}\` in \`${path}\` is not a map.`,
      `Make \`${prefix}${key}\` a map as Bitbucket expects, or ${byHand}.`,
    );
  }
  return map;
}

function listOf(node: unknown, where: string): YAMLSeq {
  if (isSeq(node)) return node;
  const what = isAlias(node)
    ? 'an alias (`*name`) of a list shared with other pipelines'
    : 'not a list of steps';
  throw new CiFileError(
    'ci_file_unmergeable',
    `A pipeline under \`pipelines.${where}\` in \`${path}\` is ${what}, so scm-connect cannot add its steps there alone.`,
    `Write that pipeline's steps out as a list, or ${byHand}.`,
  );
}

const isOurStep = (item: unknown) => {
  if (!isMap(item)) return false;
  const step: unknown = item.get('step', true);
  if (!isMap(step)) return false;
  const name = textOf(step.get('name', true));
  return name === jobNames.scanStep || name === jobNames.uploadStep;
};

/** Replaces our steps where they are (a re-run changes nothing else), or appends them. */
function upsertSteps(list: YAMLSeq, ours: YAMLSeq): void {
  const at = list.items.findIndex(isOurStep);
  const kept = list.items.filter((item) => !isOurStep(item));
  const index = at === -1 ? kept.length : at;
  list.items = [...kept.slice(0, index), ...ours.items, ...kept.slice(index)];
}

/**
 * The steps that ran on `branch` before an exact entry existed: those of the one pattern matching it, else of
 * `default`. Two matching patterns leave the choice to a person.
 */
function pipelineBefore(pipelines: YAMLMap, branches: YAMLMap, branch: string): readonly unknown[] {
  const matching = branches.items.filter((pair) => {
    const pattern = nameOf(pair.key);
    return pattern !== undefined && /[*?{]/.test(pattern) && globMatches(pattern, branch);
  });
  if (matching.length > 1) {
    throw new CiFileError(
      'ci_file_unmergeable',
      `Several patterns under \`pipelines.branches\` in \`${path}\` match the default branch, and a pipeline for the branch itself would replace them.`,
      `Add a pipeline for the default branch itself to \`${path}\`, then add the CI job again.`,
    );
  }
  const source: unknown = matching.length === 1 ? matching[0]!.value : pipelines.get('default', true);
  if (source === undefined) return [];
  return listOf(source, matching.length === 1 ? 'branches' : 'default').items;
}

/** Bitbucket's glob patterns: `*` within a path segment, `**` across, `?` one character, `{a,b}` alternatives. */
function globMatches(pattern: string, name: string): boolean {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index]!;
    if (char === '*' && pattern[index + 1] === '*') {
      source += '.*';
      index++;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '{') source += '(?:';
    else if (char === '}') source += ')';
    else if (char === ',' && source.includes('(?:')) source += '|';
    else source += char.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  }
  try {
    return new RegExp(`^${source}$`, 'u').test(name);
  } catch {
    return false;
  }
}

/** A copy of a step without its anchors (an anchor may be defined once); aliases still point at the original. */
function copyOf(item: unknown): unknown {
  if (!isMap(item) && !isSeq(item)) return item;
  const copy = item.clone() as Node;
  visit(copy, {
    Node(_, node) {
      if ('anchor' in node) node.anchor = undefined;
    },
  });
  return copy;
}

const inPipelineLists = (pipelines: YAMLMap): YAMLSeq[] =>
  ['pull-requests', 'branches', 'custom', 'tags', 'bookmarks'].flatMap((key) => {
    const section: unknown = pipelines.get(key, true);
    return isMap(section) ? section.items.map((pair) => pair.value).filter((value) => isSeq(value)) : [];
  });

export function hasBitbucketJob(doc: Document): boolean {
  const pipelines: unknown = isMap(doc.contents) ? doc.contents.get('pipelines', true) : undefined;
  return isMap(pipelines) && inPipelineLists(pipelines).some((list) => list.items.some(isOurStep));
}
