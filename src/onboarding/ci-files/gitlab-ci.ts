import { Document, isMap, isSeq, Scalar, YAMLMap } from 'yaml';
import type { CiJobSettings } from '../ci-settings.js';
import { CiFileError } from './errors.js';
import { addedComment, jobNames, tokenVariable, uploadLine, urlVariable } from './job-parts.js';
import type { CiFileContext } from './types.js';
import {
  leadKey,
  newFileLayout,
  quoted,
  renderDocument,
  textOf,
  type ParsedCiFile,
} from './yaml-document.js';

const path = '.gitlab-ci.yml';
/** Used when the file declares `stages:` without `test`. */
const ownStage = 'scm-connect';

/**
 * The two jobs. `rules:` run them in merge request pipelines, on the default branch and in scheduled pipelines (a
 * schedule is made in the project; the file only accepts it), never for Dependabot or Renovate users. Jobs inherit
 * only `tags` from `default:` (runner choice), not its `before_script` or `image`, which belong to other jobs.
 */
function gitLabJobs(settings: CiJobSettings, context: CiFileContext, stage: string) {
  const { triggers } = settings;
  const rules: Record<string, string>[] = [
    { if: '$GITLAB_USER_LOGIN =~ /^(dependabot|renovate)(-?bot)?$/', when: 'never' },
  ];
  if (triggers.pullRequests) rules.push({ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' });
  if (triggers.defaultBranchPushes) rules.push({ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' });
  if (triggers.schedule) rules.push({ if: '$CI_PIPELINE_SOURCE == "schedule"' });
  const inherit = { default: ['tags'] };
  const variables: Record<string, unknown> = {
    GIT_STRATEGY: 'none',
    [urlVariable]: quoted(context.serviceUrl),
  };
  // A project variable of another name reaches the job under that name; the upload reads SCM_CONNECT_API_TOKEN.
  if (settings.secretName !== tokenVariable) variables[tokenVariable] = `$${settings.secretName}`;
  return {
    scan: {
      stage,
      image: settings.image,
      inherit,
      rules,
      script: [settings.scanCommand],
      artifacts: { paths: [settings.sarifPath], expire_in: '1 day' },
    },
    upload: {
      stage,
      image: settings.uploadImage,
      inherit,
      rules,
      needs: [{ job: jobNames.scan, artifacts: true }],
      variables,
      script: [uploadLine(settings)],
    },
  };
}

export function renderNewGitLabFile(settings: CiJobSettings, context: CiFileContext): string {
  const doc = new Document({});
  const root = doc.contents as YAMLMap;
  addJobs(doc, root, gitLabJobs(settings, context, 'test'));
  // A new file: the comment heads the file rather than the first job.
  const first = root.items[0]!.key as Scalar;
  first.spaceBefore = false;
  first.commentBefore = undefined;
  doc.commentBefore = addedComment;
  return renderDocument(doc, newFileLayout);
}

/**
 * Adds (or replaces) the two jobs in an existing `.gitlab-ci.yml`, keeping every other key, comment and blank line.
 * With `stages:` declared, the jobs use `test` when listed, else a stage of their own appended to the list.
 */
export function mergeGitLabFile(parsed: ParsedCiFile, settings: CiJobSettings, context: CiFileContext): void {
  const { doc, root } = parsed;
  addJobs(doc, root, gitLabJobs(settings, context, stageFor(root)));
}

function stageFor(root: YAMLMap): string {
  const stages: unknown = root.get('stages', true);
  if (stages === undefined) return 'test';
  if (
    !isSeq(stages) ||
    stages.tag !== undefined ||
    !stages.items.every((item) => textOf(item) !== undefined)
  ) {
    throw new CiFileError(
      'ci_file_unmergeable',
      `\`stages:\` in \`${path}\` is not a plain list of stage names, so scm-connect cannot tell which stages exist.`,
      `Write \`stages:\` in \`${path}\` as a list of names, or add the scanner's jobs by hand.`,
    );
  }
  const names = stages.items.map(textOf);
  if (names.includes('test')) return 'test';
  if (!names.includes(ownStage)) stages.add(ownStage);
  return ownStage;
}

function addJobs(doc: Document, root: YAMLMap, jobs: ReturnType<typeof gitLabJobs>): void {
  const entries: [string, unknown][] = [
    [jobNames.scan, jobs.scan],
    [jobNames.upload, jobs.upload],
  ];
  for (const [index, [name, job]] of entries.entries()) {
    const node = doc.createNode(job);
    if (root.has(name)) root.set(name, node);
    else {
      const key = leadKey(name, index === 0 ? addedComment : undefined);
      // The first key of a file: a blank line there would only grow on each re-read.
      key.spaceBefore = root.items.length > 0;
      root.add(doc.createPair(key, node));
    }
  }
}

export function hasGitLabJob(doc: Document): boolean {
  return isMap(doc.contents) && doc.contents.has(jobNames.scan);
}
