import type { CiSystem, CiTemplate } from '../scm/provider.js';
import type { CiJobSettings } from './ci-settings.js';
import { ciFilePath, renderCiFile, type CiFileContext, type CiTarget } from './ci-files/index.js';
import { ciSystemLabels } from './ci-systems.js';

/** The branch a pull-request run proposes the file on: one per repository, reused by every later run. */
export const ciBranch = 'scm-connect/add-scan-job';

/**
 * The scanner's CI job for one repository: the file the settings render (merged into `existing`, the file on
 * the default branch, when there is one), with the commit message and pull request that propose it.
 * Throws `CiFileError` when the existing file cannot take the job.
 */
export function buildCiTemplate(
  system: CiSystem,
  settings: CiJobSettings,
  target: CiTarget,
  context: CiFileContext,
  existing: string | undefined,
): CiTemplate {
  const path = ciFilePath[system];
  const content = renderCiFile(system, settings, target, context, existing);
  const verb = existing === undefined ? 'Add' : 'Update';
  return {
    path,
    content,
    branch: ciBranch,
    commitMessage: `${verb} the scm-connect code scanning job in ${path}`,
    pullRequest: {
      title: 'Add code scanning with scm-connect',
      description: [
        `This ${existing === undefined ? 'adds' : 'updates'} \`${path}\` so that ${ciSystemLabels[system]} ` +
          'scans the code and uploads the results to scm-connect.',
        '',
        `The upload uses the \`${settings.secretName}\` secret, which scm-connect has stored for this repository.`,
        existing === undefined
          ? ''
          : 'The jobs already in the file are kept as they were; only the scan job is added or updated.',
      ]
        .join('\n')
        .trim(),
    },
  };
}
