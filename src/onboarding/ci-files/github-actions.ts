import { Document, isMap } from 'yaml';
import type { CiJobSettings } from '../ci-settings.js';
import { addedComment, jobNames, tokenVariable, uploadLine, urlVariable } from './job-parts.js';
import type { CiFileContext, CiTarget } from './types.js';
import { dailySchedule } from './schedule.js';
import { newFileLayout, quoted, renderDocument } from './yaml-document.js';

/** GitHub's branch filters are patterns: `*`, `?`, `+`, `[`, `]`, `!` and `\` are matched literally when escaped. */
export const literalBranchFilter = (branch: string) => branch.replace(/[\\*?+[\]!]/g, '\\$&');

/** Bots whose pull requests get no secrets on GitHub (Dependabot) or should not cost a scan. */
const skipActors = ['dependabot[bot]', 'renovate[bot]'];

/**
 * The workflow `.github/workflows/scm-connect.yml`, scm-connect's own file (an existing one is replaced): a scan
 * job in the scanner's image, then an upload job in the Node image with the token from the repository secret. Pull
 * requests from forks are skipped: GitHub gives them no secrets, so their upload could only fail.
 */
export function renderGitHubWorkflow(
  settings: CiJobSettings,
  target: CiTarget,
  context: CiFileContext,
): string {
  const { triggers } = settings;
  const on: Record<string, unknown> = {};
  if (triggers.pullRequests) on.pull_request = null;
  if (triggers.defaultBranchPushes)
    on.push = { branches: [quoted(literalBranchFilter(target.defaultBranch))] };
  if (triggers.schedule) on.schedule = [{ cron: quoted(dailySchedule(target.externalId).cron) }];
  on.workflow_dispatch = null;

  const runs = [
    ...skipActors.map((actor) => `github.actor != '${actor}'`),
    "(github.event_name != 'pull_request' || github.event.pull_request.head.repo.full_name == github.repository)",
  ].join(' && ');

  const doc = new Document({
    name: 'scm-connect',
    on,
    permissions: { contents: 'read' },
    jobs: {
      [jobNames.scan]: {
        if: runs,
        'runs-on': 'ubuntu-latest',
        container: { image: settings.image },
        steps: [
          { uses: 'actions/checkout@v4', with: { 'persist-credentials': false } },
          { name: 'Scan', run: settings.scanCommand },
          {
            uses: 'actions/upload-artifact@v4',
            with: { name: jobNames.artifact, path: settings.sarifPath, 'retention-days': 1 },
          },
        ],
      },
      [jobNames.upload]: {
        needs: jobNames.scan,
        'runs-on': 'ubuntu-latest',
        container: { image: settings.uploadImage },
        steps: [
          { uses: 'actions/download-artifact@v4', with: { name: jobNames.artifact } },
          {
            name: 'Upload',
            run: uploadLine(settings),
            env: {
              [tokenVariable]: `\${{ secrets.${settings.secretName} }}`,
              [urlVariable]: quoted(context.serviceUrl),
            },
          },
        ],
      },
    },
  });
  doc.commentBefore = addedComment;
  return renderDocument(doc, newFileLayout, { nullStr: '' });
}

/** Whether a workflow file holds the scan job. */
export function hasGitHubJob(doc: Document): boolean {
  const jobs: unknown = isMap(doc.contents) ? doc.contents.get('jobs', true) : undefined;
  return isMap(jobs) && jobs.has(jobNames.scan);
}
