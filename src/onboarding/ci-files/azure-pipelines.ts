import { Document, isMap, isScalar, isSeq, Pair, YAMLMap, YAMLSeq } from 'yaml';
import { ciVariableGroupName } from '../../scm/azure-devops/ci-variable-group.js';
import type { CiJobSettings } from '../ci-settings.js';
import { CiFileError } from './errors.js';
import { addedComment, jobNames, shellQuote, tokenVariable, uploadLine, urlVariable } from './job-parts.js';
import { dailySchedule } from './schedule.js';
import type { CiFileContext, CiTarget } from './types.js';
import {
  leadKey,
  nameOf,
  newFileLayout,
  quoted,
  renderDocument,
  textOf,
  type ParsedCiFile,
} from './yaml-document.js';

const path = 'azure-pipelines.yml';
const byHand = `add the scanner's job to \`${path}\` by hand`;

/** What `scm-connect scans upload` reads to know the repository, commit, branch and pull request. */
const uploadContext = [
  'TF_BUILD',
  'BUILD_REPOSITORY_URI',
  'BUILD_SOURCEVERSION',
  'BUILD_SOURCEBRANCH',
  'BUILD_SOURCEBRANCHNAME',
  'SYSTEM_PULLREQUEST_PULLREQUESTNUMBER',
  'SYSTEM_PULLREQUEST_PULLREQUESTID',
  'SYSTEM_PULLREQUEST_SOURCEBRANCH',
  'SYSTEM_PULLREQUEST_TARGETBRANCH',
];

/**
 * The job: on a Microsoft-hosted Ubuntu agent, the scan runs in the scanner's image over the checkout, then the
 * upload in the Node image. Secret variables are not environment variables unless mapped, so the upload step maps
 * the variable group's secret to `SCM_CONNECT_API_TOKEN`.
 */
function azureJob(settings: CiJobSettings, context: CiFileContext) {
  const run = (image: string, options: string, command: string) =>
    `docker run --rm --entrypoint sh -v "$BUILD_SOURCESDIRECTORY:/src" -w /src${options} ${image} -c ${shellQuote(command)}`;
  const passed = [tokenVariable, urlVariable, ...uploadContext].map((name) => ` -e ${name}`).join('');
  return {
    job: jobNames.azureJob,
    displayName: 'scm-connect scan',
    pool: { vmImage: 'ubuntu-latest' },
    variables: [{ group: ciVariableGroupName }],
    steps: [
      { checkout: 'self' },
      { script: run(settings.image, '', settings.scanCommand), displayName: 'Scan' },
      {
        script: run(settings.uploadImage, passed, uploadLine(settings)),
        displayName: 'Upload',
        env: { [tokenVariable]: `$(${settings.secretName})`, [urlVariable]: quoted(context.serviceUrl) },
      },
    ],
  };
}

const branchFilter = (branch: string) => ({ branches: { include: [quoted(branch)] } });

const ourSchedule = (target: CiTarget) => ({
  cron: quoted(dailySchedule(target.externalId).cron),
  displayName: jobNames.scheduleName,
  branches: { include: [quoted(target.defaultBranch)] },
  always: true,
});

export function renderNewAzureFile(
  settings: CiJobSettings,
  target: CiTarget,
  context: CiFileContext,
): string {
  const { triggers } = settings;
  const doc = new Document({
    trigger: triggers.defaultBranchPushes ? branchFilter(target.defaultBranch) : 'none',
    pr: triggers.pullRequests ? branchFilter(target.defaultBranch) : 'none',
    ...(triggers.schedule ? { schedules: [ourSchedule(target)] } : {}),
    jobs: [azureJob(settings, context)],
  });
  doc.commentBefore = addedComment;
  return renderDocument(doc, newFileLayout);
}

/** Keys of a single-job pipeline that belong to the job once the pipeline has `jobs:`. */
const singleJobKeys = new Set([
  'steps',
  'container',
  'strategy',
  'continueOnError',
  'timeoutInMinutes',
  'cancelTimeoutInMinutes',
  'workspace',
  'services',
]);

/**
 * Adds the job to an existing pipeline: into `jobs:`, as a stage of its own in `stages:` (depending on none), or,
 * for a pipeline of top-level `steps:`, after moving those steps (and the keys of that implicit job) under a job
 * named `Job`, the name Azure gives the implicit one. Triggers are widened to the default branch where the file
 * limits them, and the daily schedule is added; a pipeline that `extends:` a template or inserts top-level keys
 * with `${{ }}` expressions is refused.
 */
export function mergeAzureFile(
  parsed: ParsedCiFile,
  settings: CiJobSettings,
  target: CiTarget,
  context: CiFileContext,
): void {
  const { doc, root } = parsed;
  for (const pair of root.items) {
    const key = textOf(pair.key);
    if (key === undefined || key.includes('${{')) {
      throw unmergeable('chooses top-level keys with template expressions (`${{ }}`)');
    }
  }
  if (root.has('extends')) throw unmergeable('extends a template, which decides its stages and jobs');
  const structure = ['stages', 'jobs', 'steps'].filter((key) => root.has(key));
  if (structure.length > 1)
    throw unmergeable(`has more than one of ${structure.map((k) => `\`${k}:\``).join(', ')}`);

  const job = doc.createNode(azureJob(settings, context)) as YAMLMap;
  switch (structure[0]) {
    case 'stages': {
      const stage = doc.createNode({ stage: jobNames.azureStage, displayName: 'scm-connect', dependsOn: [] });
      (stage as YAMLMap).set('jobs', doc.createNode([job]));
      upsertItem(listAt(root, 'stages'), 'stage', jobNames.azureStage, stage as YAMLMap);
      break;
    }
    case 'jobs':
      upsertItem(listAt(root, 'jobs'), 'job', jobNames.azureJob, job);
      break;
    case 'steps':
      moveStepsUnderJob(doc, root, job);
      break;
    default:
      root.add(doc.createPair(root.items.length > 0 ? leadKey('jobs') : 'jobs', doc.createNode([job])));
  }

  const { triggers } = settings;
  if (triggers.defaultBranchPushes) includeBranch(doc, root, 'trigger', target.defaultBranch);
  if (triggers.pullRequests) includeBranch(doc, root, 'pr', target.defaultBranch);
  if (triggers.schedule) {
    const schedule = doc.createNode(ourSchedule(target)) as YAMLMap;
    if (root.has('schedules'))
      upsertItem(listAt(root, 'schedules'), 'displayName', jobNames.scheduleName, schedule);
    else
      insertBefore(
        root,
        ['variables', 'stages', 'jobs', 'steps', 'pool'],
        doc.createPair(leadKey('schedules'), [schedule]),
      );
  }
}

function unmergeable(what: string): CiFileError {
  return new CiFileError(
    'ci_file_unmergeable',
    `\`${path}\` ${what}, so scm-connect cannot add its job safely.`,
    `Add a job named \`${jobNames.azureJob}\` as the pull request's file shows, or ${byHand}.`,
  );
}

function listAt(root: YAMLMap, key: string): YAMLSeq {
  const node: unknown = root.get(key, true);
  if (!isSeq(node)) throw unmergeable(`has a \`${key}:\` that is not a list`);
  return node;
}

/** Replaces the item whose `key` is `name`, or appends `item` after a blank line. */
function upsertItem(list: YAMLSeq, key: string, name: string, item: YAMLMap): void {
  const at = list.items.findIndex((existing) => isMap(existing) && textOf(existing.get(key, true)) === name);
  if (at === -1) {
    item.spaceBefore = true;
    item.commentBefore = addedComment;
    list.add(item);
    return;
  }
  const existing = list.items[at] as YAMLMap;
  item.spaceBefore = existing.spaceBefore;
  item.commentBefore = existing.commentBefore;
  list.items[at] = item;
}

function moveStepsUnderJob(doc: Document, root: YAMLMap, ours: YAMLMap): void {
  if (!isSeq(root.get('steps', true))) throw unmergeable('has top-level `steps:` that are not a list');
  const moved = root.items.filter((pair) => singleJobKeys.has(textOf(pair.key) ?? ''));
  const first = root.items.indexOf(moved[0]!);
  const before = root.items.slice(0, first).filter((pair) => !moved.includes(pair)).length;
  root.items = root.items.filter((pair) => !moved.includes(pair));

  const theirs = new YAMLMap(doc.schema);
  theirs.add(doc.createPair('job', 'Job'));
  for (const pair of moved) theirs.add(pair);
  const firstKey = moved[0]!.key;
  const jobsKey = leadKey('jobs');
  if (isScalar(firstKey)) {
    jobsKey.spaceBefore = firstKey.spaceBefore;
    firstKey.spaceBefore = false;
  }
  ours.spaceBefore = true;
  ours.commentBefore = addedComment;
  const jobs = new YAMLSeq(doc.schema);
  jobs.add(theirs);
  jobs.add(ours);
  root.items.splice(before, 0, new Pair(jobsKey, jobs));
}

/**
 * Makes `trigger` or `pr` include the default branch where the file lists branches or says `none`. Absent means
 * every branch already.
 */
function includeBranch(doc: Document, root: YAMLMap, key: 'trigger' | 'pr', branch: string): void {
  const node: unknown = root.get(key, true);
  if (node === undefined) return;
  if (isScalar(node)) {
    if (node.value === 'none') root.set(key, doc.createNode(branchFilter(branch)));
    return;
  }
  const list = isSeq(node) ? node : includeList(node);
  if (list !== undefined && !list.items.some((item) => nameOf(item) === branch)) list.add(quoted(branch));
}

function includeList(node: unknown): YAMLSeq | undefined {
  if (!isMap(node)) return undefined;
  const branches: unknown = node.get('branches', true);
  if (!isMap(branches)) return undefined;
  const include: unknown = branches.get('include', true);
  return isSeq(include) ? include : undefined;
}

function insertBefore(root: YAMLMap, keys: readonly string[], pair: Pair): void {
  const at = root.items.findIndex((item) => keys.includes(textOf(item.key) ?? ''));
  if (at === -1) root.add(pair);
  else {
    if (at === 0 && isScalar(pair.key)) pair.key.spaceBefore = false;
    root.items.splice(at, 0, pair);
  }
}

const jobsOf = (node: unknown): unknown[] => (isSeq(node) ? node.items : []);

export function hasAzureJob(doc: Document): boolean {
  if (!isMap(doc.contents)) return false;
  const stageJobs = jobsOf(doc.contents.get('stages', true)).flatMap((stage) =>
    isMap(stage) ? jobsOf(stage.get('jobs', true)) : [],
  );
  return [...jobsOf(doc.contents.get('jobs', true)), ...stageJobs].some(
    (job) => isMap(job) && textOf(job.get('job', true)) === jobNames.azureJob,
  );
}
