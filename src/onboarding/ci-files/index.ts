import { parseDocument, type Document } from 'yaml';
import type { CiSystem } from '../../scm/provider.js';
import type { CiJobSettings } from '../ci-settings.js';
import { hasAzureJob, mergeAzureFile, renderNewAzureFile } from './azure-pipelines.js';
import { hasBitbucketJob, mergeBitbucketFile, renderNewBitbucketFile } from './bitbucket-pipelines.js';
import { CiFileError } from './errors.js';
import { hasGitHubJob, renderGitHubWorkflow } from './github-actions.js';
import { hasGitLabJob, mergeGitLabFile, renderNewGitLabFile } from './gitlab-ci.js';
import { ciServiceUrl } from './job-parts.js';
import type { CiFileContext, CiTarget } from './types.js';
import { parseCiFile, renderDocument, reparses } from './yaml-document.js';

export { CiFileError, type CiFileErrorCode } from './errors.js';
export { dailySchedule, type DailySchedule } from './schedule.js';
export type { CiFileContext, CiTarget } from './types.js';

/** Where each CI system reads its file, from the repository's root. */
export const ciFilePath: Readonly<Record<CiSystem, string>> = {
  'github-actions': '.github/workflows/scm-connect.yml',
  'gitlab-ci': '.gitlab-ci.yml',
  'bitbucket-pipelines': 'bitbucket-pipelines.yml',
  'azure-pipelines': 'azure-pipelines.yml',
};

/** Where a person can check the file before trying again, in words for the fix. */
const linter: Readonly<Record<CiSystem, string>> = {
  'github-actions': '',
  'gitlab-ci': " (the project's Build > Pipeline editor validates it)",
  'bitbucket-pipelines': " (Bitbucket's pipelines validator checks it)",
  'azure-pipelines': " (the pipeline editor's Validate checks it)",
};

/**
 * The file to write: a new file when `existing` is undefined, else `existing` with the job merged in (GitHub's
 * workflow is scm-connect's own file and is replaced). Deterministic: the same inputs give byte-identical output,
 * and merging into a file that already has the job gives that file back. Names of repositories and branches appear
 * only as quoted YAML scalars, never in a script or an expression. Throws `CiFileError` for an existing file that is
 * not valid YAML or has no safe place for the job, `ScmError` (`public_url_invalid`) for an unusable service URL.
 */
export function renderCiFile(
  system: CiSystem,
  settings: CiJobSettings,
  target: CiTarget,
  context: CiFileContext,
  existing: string | undefined,
): string {
  const checked: CiFileContext = { serviceUrl: ciServiceUrl(context.serviceUrl) };
  if (system === 'github-actions') return renderGitHubWorkflow(settings, target, checked);
  if (existing === undefined) {
    switch (system) {
      case 'gitlab-ci':
        return renderNewGitLabFile(settings, checked);
      case 'bitbucket-pipelines':
        return renderNewBitbucketFile(settings, target, checked);
      case 'azure-pipelines':
        return renderNewAzureFile(settings, target, checked);
    }
  }
  const path = ciFilePath[system];
  const parsed = parseCiFile(path, existing, linter[system]);
  switch (system) {
    case 'gitlab-ci':
      mergeGitLabFile(parsed, settings, checked);
      break;
    case 'bitbucket-pipelines':
      mergeBitbucketFile(parsed, settings, target, checked);
      break;
    case 'azure-pipelines':
      mergeAzureFile(parsed, settings, target, checked);
      break;
  }
  let merged = renderDocument(parsed.doc, parsed.layout);
  if (existing.includes('\r\n')) merged = merged.replaceAll('\n', '\r\n');
  if (!reparses(merged)) {
    throw new CiFileError(
      'ci_file_unmergeable',
      `Adding the scanner's job to \`${path}\` would leave it invalid (anchors or aliases it uses cannot be kept).`,
      `Add the scanner's job to \`${path}\` by hand.`,
    );
  }
  return merged;
}

const hasJob: Readonly<Record<CiSystem, (doc: Document) => boolean>> = {
  'github-actions': hasGitHubJob,
  'gitlab-ci': hasGitLabJob,
  'bitbucket-pipelines': hasBitbucketJob,
  'azure-pipelines': hasAzureJob,
};

/** Whether `existing` already holds the scanner's job (by its job or step name); false for a file that does not parse. */
export function hasCiJob(system: CiSystem, existing: string): boolean {
  const doc = parseDocument(existing, { uniqueKeys: true, logLevel: 'error' });
  return doc.errors.length === 0 && hasJob[system](doc);
}
