import { describe, expect, it } from 'vitest';
import {
  ciFilePath,
  CiFileError,
  dailySchedule,
  hasCiJob,
  renderCiFile,
} from '../../src/onboarding/ci-files/index.js';
import {
  ciJobSettingsSchema,
  defaultCiJobSettings,
  type CiJobSettings,
} from '../../src/onboarding/ci-settings.js';
import { isScmError } from '../../src/scm/errors.js';
import { context, parsed, scriptLines, systems, target, type Tree } from './ci-files-fixtures.js';

const cron = dailySchedule(target.externalId).cron;
const render = (system: (typeof systems)[number], settings: CiJobSettings = defaultCiJobSettings) =>
  renderCiFile(system, settings, target, context, undefined);

describe('CI file paths', () => {
  it('names the file each CI system reads', () => {
    expect(ciFilePath).toEqual({
      'github-actions': '.github/workflows/scm-connect.yml',
      'gitlab-ci': '.gitlab-ci.yml',
      'bitbucket-pipelines': 'bitbucket-pipelines.yml',
      'azure-pipelines': 'azure-pipelines.yml',
    });
  });
});

describe('new CI files', () => {
  it('GitHub Actions: least privilege, pull_request, two jobs passing the SARIF as an artifact', () => {
    const file = parsed(render('github-actions'));
    expect(file.permissions).toEqual({ contents: 'read' });
    expect(file.on).toEqual({
      pull_request: null,
      push: { branches: ['main'] },
      schedule: [{ cron }],
      workflow_dispatch: null,
    });
    const jobs = file.jobs as Record<string, Tree>;
    expect(Object.keys(jobs)).toEqual(['scm-connect-scan', 'scm-connect-upload']);
    const scan = jobs['scm-connect-scan']!;
    expect(scan['runs-on']).toBe('ubuntu-latest');
    expect(scan.container).toEqual({ image: 'semgrep/semgrep' });
    expect(scan.if).toContain("github.actor != 'dependabot[bot]'");
    expect(scan.if).toContain("github.actor != 'renovate[bot]'");
    expect(scan.steps).toEqual([
      { uses: 'actions/checkout@v4', with: { 'persist-credentials': false } },
      { name: 'Scan', run: defaultCiJobSettings.scanCommand },
      {
        uses: 'actions/upload-artifact@v4',
        with: { name: 'scm-connect-sarif', path: 'scm-connect.sarif', 'retention-days': 1 },
      },
    ]);
    const upload = jobs['scm-connect-upload']!;
    expect(upload.needs).toBe('scm-connect-scan');
    expect(upload.container).toEqual({ image: 'node:24-alpine' });
    expect(upload.steps).toEqual([
      { uses: 'actions/download-artifact@v4', with: { name: 'scm-connect-sarif' } },
      {
        name: 'Upload',
        run: 'npx --yes scm-connect@0.1.0 scans upload scm-connect.sarif',
        env: {
          SCM_CONNECT_API_TOKEN: '${{ secrets.SCM_CONNECT_API_TOKEN }}',
          SCM_CONNECT_URL: 'https://scm.example.com',
        },
      },
    ]);
    expect(render('github-actions')).not.toContain('pull_request_target');
  });

  it('GitLab CI: two jobs with rules for merge requests, the default branch and schedules', () => {
    const file = parsed(render('gitlab-ci'));
    expect(Object.keys(file)).toEqual(['scm-connect-scan', 'scm-connect-upload']);
    const scan = file['scm-connect-scan'] as Tree;
    const upload = file['scm-connect-upload'] as Tree;
    const rules = [
      { if: '$GITLAB_USER_LOGIN =~ /^(dependabot|renovate)(-?bot)?$/', when: 'never' },
      { if: '$CI_PIPELINE_SOURCE == "merge_request_event"' },
      { if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' },
      { if: '$CI_PIPELINE_SOURCE == "schedule"' },
    ];
    expect(scan).toMatchObject({
      stage: 'test',
      image: 'semgrep/semgrep',
      rules,
      script: [defaultCiJobSettings.scanCommand],
      artifacts: { paths: ['scm-connect.sarif'] },
    });
    expect(upload).toMatchObject({
      stage: 'test',
      image: 'node:24-alpine',
      rules,
      needs: [{ job: 'scm-connect-scan', artifacts: true }],
      variables: { SCM_CONNECT_URL: 'https://scm.example.com' },
      script: ['npx --yes scm-connect@0.1.0 scans upload scm-connect.sarif'],
    });
    expect(upload.variables).not.toHaveProperty('SCM_CONNECT_API_TOKEN');
  });

  it('Bitbucket Pipelines: the two steps for pull requests, the default branch and a custom pipeline', () => {
    const file = parsed(render('bitbucket-pipelines'));
    const pipelines = file.pipelines as Record<string, Record<string, unknown[]>>;
    const steps = [
      {
        step: {
          name: 'scm-connect scan',
          image: 'semgrep/semgrep',
          script: [defaultCiJobSettings.scanCommand],
          artifacts: ['scm-connect.sarif'],
        },
      },
      {
        step: {
          name: 'scm-connect upload',
          image: 'node:24-alpine',
          clone: { enabled: false },
          script: [
            "export SCM_CONNECT_URL='https://scm.example.com'",
            'npx --yes scm-connect@0.1.0 scans upload scm-connect.sarif',
          ],
        },
      },
    ];
    expect(pipelines).toEqual({
      'pull-requests': { '**': steps },
      branches: { main: steps },
      custom: { 'scm-connect-scan': steps },
    });
  });

  it('Azure Pipelines: triggers, schedule, the variable group and the secret mapped into the upload', () => {
    const file = parsed(render('azure-pipelines'));
    expect(file.trigger).toEqual({ branches: { include: ['main'] } });
    expect(file.pr).toEqual({ branches: { include: ['main'] } });
    expect(file.schedules).toEqual([
      { cron, displayName: 'scm-connect daily scan', branches: { include: ['main'] }, always: true },
    ]);
    const [job] = file.jobs as Tree[];
    expect(job).toMatchObject({
      job: 'scm_connect_scan',
      pool: { vmImage: 'ubuntu-latest' },
      variables: [{ group: 'scm-connect' }],
    });
    const steps = job!.steps as Tree[];
    expect(steps[0]).toEqual({ checkout: 'self' });
    expect(steps[1]!.script).toMatch(/^docker run .* semgrep\/semgrep -c 'semgrep scan --config auto/);
    expect(steps[2]!.script).toMatch(
      / -e SCM_CONNECT_API_TOKEN .* node:24-alpine -c 'npx --yes scm-connect@0\.1\.0 scans upload scm-connect\.sarif'$/,
    );
    expect(steps[2]!.env).toEqual({
      SCM_CONNECT_API_TOKEN: '$(SCM_CONNECT_API_TOKEN)',
      SCM_CONNECT_URL: 'https://scm.example.com',
    });
  });

  it('follows the triggers and the secret name of the settings', () => {
    const settings: CiJobSettings = {
      ...defaultCiJobSettings,
      secretName: 'SCANNER_TOKEN',
      triggers: { pullRequests: true, defaultBranchPushes: false, schedule: false },
    };
    expect(parsed(render('github-actions', settings)).on).toEqual({
      pull_request: null,
      workflow_dispatch: null,
    });
    const github = render('github-actions', settings);
    expect(github).toContain('${{ secrets.SCANNER_TOKEN }}');

    const gitlab = parsed(render('gitlab-ci', settings));
    const upload = gitlab['scm-connect-upload'] as Tree;
    expect((upload.rules as unknown[]).length).toBe(2);
    expect(upload.variables).toMatchObject({ SCM_CONNECT_API_TOKEN: '$SCANNER_TOKEN' });

    const bitbucket = parsed(render('bitbucket-pipelines', settings));
    expect(Object.keys(bitbucket.pipelines as Tree)).toEqual(['pull-requests']);
    expect(scriptLines('bitbucket-pipelines', render('bitbucket-pipelines', settings))).toContain(
      'export SCM_CONNECT_API_TOKEN="$SCANNER_TOKEN"',
    );

    const azure = parsed(render('azure-pipelines', settings));
    expect(azure.trigger).toBe('none');
    expect(azure).not.toHaveProperty('schedules');
    expect(render('azure-pipelines', settings)).toContain('SCM_CONNECT_API_TOKEN: $(SCANNER_TOKEN)');
  });

  it.each(systems)('%s: the same inputs give byte-identical files, which hold the job', (system) => {
    const first = render(system);
    expect(render(system)).toBe(first);
    expect(hasCiJob(system, first)).toBe(true);
    expect(first.endsWith('\n')).toBe(true);
  });

  it.each(systems)('%s: the repository name is written nowhere', (system) => {
    expect(render(system)).not.toContain(target.fullName);
  });

  it('spreads daily schedules by repository, the same time on every run', () => {
    const times = new Set(Array.from({ length: 200 }, (_, index) => dailySchedule(String(index)).cron));
    expect(times.size).toBeGreaterThan(150);
    expect(dailySchedule('4242')).toEqual(dailySchedule('4242'));
    for (const time of times) expect(time).toMatch(/^([0-5]?\d) (1?\d|2[0-3]) \* \* \*$/);
  });

  it('refuses a service URL that cannot be written into a CI file', () => {
    for (const serviceUrl of [
      'ftp://scm.example.com',
      'https://u:p@scm.example.com',
      'https://x.example/$(id)',
      'not a url',
    ]) {
      let error: unknown;
      try {
        renderCiFile('gitlab-ci', defaultCiJobSettings, target, { serviceUrl }, undefined);
      } catch (caught) {
        error = caught;
      }
      expect(isScmError(error) && error.code).toBe('public_url_invalid');
      expect(error).not.toBeInstanceOf(CiFileError);
    }
  });
});

describe('hasCiJob', () => {
  it.each(systems)('%s: false for a file without the job or one that does not parse', (system) => {
    expect(hasCiJob(system, 'build:\n  script: make\n')).toBe(false);
    expect(hasCiJob(system, 'a: [b\n')).toBe(false);
    expect(hasCiJob(system, '')).toBe(false);
  });
});

describe('CI job settings', () => {
  it('accepts the defaults', () => {
    expect(ciJobSettingsSchema.parse(defaultCiJobSettings)).toEqual(defaultCiJobSettings);
  });

  it.each([
    ['a second line in a command', { scanCommand: 'semgrep scan\nrm -rf /' }],
    ['a NUL in a command', { uploadCommand: 'npx scm-connect\0' }],
    ['an image with a space', { image: 'semgrep/semgrep; rm -rf /' }],
    ['an absolute SARIF path', { sarifPath: '/tmp/out.sarif' }],
    ['a SARIF path out of the checkout', { sarifPath: 'out/../../x.sarif' }],
    ['a SARIF path with a space', { sarifPath: 'my out.sarif' }],
    ['a lower-case secret name', { secretName: 'scm_token' }],
    ['a secret name with a dash', { secretName: 'SCM-TOKEN' }],
    ['no trigger', { triggers: { pullRequests: false, defaultBranchPushes: false, schedule: false } }],
    ['an unknown key', { extra: true }],
    ['a command far too long', { scanCommand: 'x'.repeat(2001) }],
  ])('refuses %s', (_, change) => {
    expect(ciJobSettingsSchema.safeParse({ ...defaultCiJobSettings, ...change }).success).toBe(false);
  });
});
