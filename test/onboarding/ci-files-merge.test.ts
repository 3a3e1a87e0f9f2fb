import { describe, expect, it } from 'vitest';
import { CiFileError, hasCiJob, renderCiFile } from '../../src/onboarding/ci-files/index.js';
import { defaultCiJobSettings } from '../../src/onboarding/ci-settings.js';
import type { CiSystem } from '../../src/scm/provider.js';
import { commentsOf, context, parsed, target, type Tree } from './ci-files-fixtures.js';

const merge = (system: CiSystem, existing: string, branch = target.defaultBranch) =>
  renderCiFile(system, defaultCiJobSettings, { ...target, defaultBranch: branch }, context, existing);

/** Merging keeps the file's comments, merging again changes nothing, and the job is found. */
function mergeChecked(system: CiSystem, existing: string, branch?: string): string {
  const merged = merge(system, existing, branch);
  expect(commentsOf(merged)).toEqual(expect.arrayContaining(commentsOf(existing)));
  expect(merge(system, merged, branch)).toBe(merged);
  expect(hasCiJob(system, merged)).toBe(true);
  return merged;
}

function refusal(run: () => unknown): CiFileError {
  try {
    run();
  } catch (error) {
    if (error instanceof CiFileError) return error;
    throw error;
  }
  throw new Error('no CiFileError');
}

const gitlabFile = `# CI for the acme web app
include:
  - template: Security/SAST.gitlab-ci.yml
  - project: acme/ci-templates
    ref: main
    file: /node.yml

stages:
  - build
  - test
  - deploy

variables:
  NODE_VERSION: "20" # keep in step with .nvmrc

.node: &node
  image: node:\${NODE_VERSION}
  before_script:
    - npm ci

build:
  <<: *node
  stage: build
  script:
    - npm run build
  artifacts:
    paths: [dist/]

test:
  <<: *node
  stage: test
  script:
    - npm test
  after_script: !reference [.node, before_script]

# Deploys only from main
deploy:
  stage: deploy
  script: ./deploy.sh
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
`;

describe('merging into .gitlab-ci.yml', () => {
  it('keeps every key, anchor, tag and comment and adds the two jobs in the test stage', () => {
    expect(hasCiJob('gitlab-ci', gitlabFile)).toBe(false);
    const merged = mergeChecked('gitlab-ci', gitlabFile);
    const before = parsed(gitlabFile);
    const after = parsed(merged);
    expect(Object.keys(after)).toEqual([...Object.keys(before), 'scm-connect-scan', 'scm-connect-upload']);
    for (const key of Object.keys(before)) expect(after[key]).toEqual(before[key]);
    expect(merged.startsWith(gitlabFile.slice(0, gitlabFile.indexOf('test:')))).toBe(true);
    expect(merged).toContain('<<: *node');
    expect(merged).toContain('!reference [.node, before_script]');
    expect((after['scm-connect-scan'] as Tree).stage).toBe('test');
    expect(merged).toContain('\n\n# Added by scm-connect');
  });

  it('appends a stage of its own when the declared stages have no test', () => {
    const merged = mergeChecked(
      'gitlab-ci',
      'stages:\n- build\n- deploy\n\nbuild:\n  stage: build\n  script: make\n',
    );
    const after = parsed(merged);
    expect(after.stages).toEqual(['build', 'deploy', 'scm-connect']);
    expect((after['scm-connect-upload'] as Tree).stage).toBe('scm-connect');
    expect(merged).toContain('stages:\n- build\n- deploy\n- scm-connect\n');
  });

  it('adds the jobs alongside an include-only file', () => {
    const existing = '# shared pipeline\ninclude:\n  - project: acme/pipelines\n    file: /default.yml\n';
    const merged = mergeChecked('gitlab-ci', existing);
    expect(merged.startsWith(existing)).toBe(true);
    expect(Object.keys(parsed(merged))).toEqual(['include', 'scm-connect-scan', 'scm-connect-upload']);
  });

  it('replaces an older version of its own jobs in place', () => {
    const existing = `build:\n  script: make\n\nscm-connect-scan:\n  script: old scan\n\nscm-connect-upload:\n  script: old upload\n\nlint:\n  script: make lint\n`;
    const merged = mergeChecked('gitlab-ci', existing.replace('make lint', 'make lint # ours'));
    expect(Object.keys(parsed(merged))).toEqual(['build', 'scm-connect-scan', 'scm-connect-upload', 'lint']);
    expect(merged).not.toContain('old scan');
  });

  it('writes into a file of comments only', () => {
    const merged = mergeChecked('gitlab-ci', '# nothing yet\n');
    expect(Object.keys(parsed(merged))).toEqual(['scm-connect-scan', 'scm-connect-upload']);
  });

  it('refuses stages it cannot read', () => {
    expect(refusal(() => merge('gitlab-ci', 'stages: !reference [.base, stages]\n')).code).toBe(
      'ci_file_unmergeable',
    );
  });
});

const bitbucketFile = `# Pipelines for acme/api
image: node:20

definitions:
  steps:
    - step: &build-test
        name: Build and test
        caches:
          - node
        script:
          - npm ci
          - npm test

pipelines:
  default:
    - step: *build-test
  branches:
    main:
      - step: *build-test
      - step:
          name: Deploy
          deployment: production
          script:
            - ./deploy.sh # needs DEPLOY_KEY
    'release/*':
      - parallel:
          - step: *build-test
          - step:
              name: Lint
              script: [npm run lint]
  pull-requests:
    '**':
      - step: *build-test
    'hotfix/*':
      - step:
          name: Quick check
          script:
            - npm test
`;

const ourStepNames = ['scm-connect scan', 'scm-connect upload'];
const stepNames = (list: unknown) =>
  (list as Tree[]).map((item) => (item.step as Tree | undefined)?.name ?? Object.keys(item)[0]);

describe('merging into bitbucket-pipelines.yml', () => {
  it('adds the steps to the default branch and every pull request pipeline, keeping the rest', () => {
    expect(hasCiJob('bitbucket-pipelines', bitbucketFile)).toBe(false);
    const merged = mergeChecked('bitbucket-pipelines', bitbucketFile);
    const before = parsed(bitbucketFile);
    const after = parsed(merged);
    expect(after.image).toBe('node:20');
    expect(after.definitions).toEqual(before.definitions);
    const pipelines = after.pipelines as Record<string, Record<string, unknown>>;
    const was = before.pipelines as Record<string, Record<string, unknown>>;
    expect(pipelines.default).toEqual(was.default);
    expect(stepNames(pipelines.branches!.main)).toEqual(['Build and test', 'Deploy', ...ourStepNames]);
    expect(pipelines.branches!['release/*']).toEqual(was.branches!['release/*']);
    expect(stepNames(pipelines['pull-requests']!['**'])).toEqual(['Build and test', ...ourStepNames]);
    expect(stepNames(pipelines['pull-requests']!['hotfix/*'])).toEqual(['Quick check', ...ourStepNames]);
    expect(stepNames(pipelines.custom!['scm-connect-scan'])).toEqual(ourStepNames);
    expect(merged).toContain('- step: *build-test');
    expect(merged).toContain('- step: &build-test');
  });

  it('gives a default branch without its own entry the steps that ran there before, then ours', () => {
    const merged = mergeChecked('bitbucket-pipelines', bitbucketFile, 'develop');
    const branches = (parsed(merged).pipelines as Record<string, Record<string, unknown>>).branches!;
    expect(stepNames(branches.develop)).toEqual(['Build and test', ...ourStepNames]);
    expect(stepNames(branches.main)).toEqual(['Build and test', 'Deploy']);
    expect(merged.match(/&build-test/g)).toHaveLength(1);
  });

  it('takes the steps of the one pattern that matches the default branch', () => {
    const merged = mergeChecked('bitbucket-pipelines', bitbucketFile, 'release/2.0');
    const branches = (parsed(merged).pipelines as Record<string, Record<string, unknown>>).branches!;
    expect(stepNames(branches['release/2.0'])).toEqual(['parallel', ...ourStepNames]);
  });

  it('refuses when several patterns match the default branch', () => {
    const existing =
      "pipelines:\n  branches:\n    'rel*':\n      - step:\n          script: [a]\n    '**':\n      - step:\n          script: [b]\n";
    expect(refusal(() => merge('bitbucket-pipelines', existing, 'release')).code).toBe('ci_file_unmergeable');
  });

  it('refuses a pipeline that is an alias of a shared list', () => {
    const existing =
      'definitions:\n  shared: &shared\n    - step:\n        script: [a]\npipelines:\n  pull-requests:\n    "**": *shared\n';
    expect(refusal(() => merge('bitbucket-pipelines', existing)).code).toBe('ci_file_unmergeable');
  });
});

const azureSteps = `# Build the service
trigger:
  - main

pool:
  vmImage: ubuntu-latest

variables:
  buildConfiguration: Release

# Restore, build, test
steps:
  - script: dotnet build --configuration $(buildConfiguration)
    displayName: Build # the slow part
  - script: dotnet test
    displayName: Test

timeoutInMinutes: 30
`;

const azureJobs = `trigger:
  branches:
    include:
      - develop
pr: none

jobs:
  # Windows build
  - job: Build
    pool:
      vmImage: windows-latest
    steps:
      - script: build.cmd
`;

const azureStages = `stages:
  - stage: Build
    jobs:
      - job: Build
        steps:
          - script: make
  - stage: Deploy # production
    dependsOn: Build
    jobs:
      - deployment: Deploy
        environment: prod
        strategy:
          runOnce:
            deploy:
              steps:
                - script: ./deploy.sh
`;

const jobNamesOf = (jobs: unknown) => (jobs as Tree[]).map((job) => job.job ?? job.deployment);

describe('merging into azure-pipelines.yml', () => {
  it('moves top-level steps under a job of their own, beside ours', () => {
    expect(hasCiJob('azure-pipelines', azureSteps)).toBe(false);
    const merged = mergeChecked('azure-pipelines', azureSteps);
    const before = parsed(azureSteps);
    const after = parsed(merged);
    expect(after).not.toHaveProperty('steps');
    expect(after.pool).toEqual(before.pool);
    expect(after.variables).toEqual(before.variables);
    expect(after.trigger).toEqual(['main']);
    const [theirs, ours] = after.jobs as Tree[];
    expect(theirs).toEqual({ job: 'Job', steps: before.steps, timeoutInMinutes: 30 });
    expect(ours!.job).toBe('scm_connect_scan');
    expect(Object.keys(after)).toEqual(['trigger', 'schedules', 'pool', 'variables', 'jobs']);
  });

  it('adds the job to a jobs pipeline and widens its triggers to the default branch', () => {
    const merged = mergeChecked('azure-pipelines', azureJobs);
    const after = parsed(merged);
    expect(jobNamesOf(after.jobs)).toEqual(['Build', 'scm_connect_scan']);
    expect(after.trigger).toEqual({ branches: { include: ['develop', 'main'] } });
    expect(after.pr).toEqual({ branches: { include: ['main'] } });
    expect((after.schedules as Tree[])[0]).toMatchObject({
      displayName: 'scm-connect daily scan',
      always: true,
    });
  });

  it('adds a stage of its own, depending on none, to a stages pipeline', () => {
    expect(hasCiJob('azure-pipelines', azureStages)).toBe(false);
    const merged = mergeChecked('azure-pipelines', azureStages);
    const stages = parsed(merged).stages as Tree[];
    expect(stages.map((stage) => stage.stage)).toEqual(['Build', 'Deploy', 'scm_connect']);
    expect(stages[2]).toMatchObject({ dependsOn: [] });
    expect(jobNamesOf(stages[2]!.jobs)).toEqual(['scm_connect_scan']);
    expect(stages.slice(0, 2)).toEqual(parsed(azureStages).stages);
  });

  it.each([
    ['extends a template', 'extends:\n  template: pipeline.yml@templates\n'],
    [
      'inserts top-level keys with expressions',
      "${{ if eq(variables.x, 'y') }}:\n  steps:\n    - script: a\n",
    ],
    ['has both steps and jobs', 'steps:\n  - script: a\njobs:\n  - job: B\n'],
    ['has steps that are not a list', 'steps: ${{ parameters.steps }}\n'],
  ])('refuses a pipeline that %s', (_, existing) => {
    const error = refusal(() => merge('azure-pipelines', existing));
    expect(error.code).toBe('ci_file_unmergeable');
    expect(error.kind).toBe('invalid');
    expect(error.fix).toMatch(/by hand/);
  });
});

describe('line endings and names that read as numbers', () => {
  it('keeps a file with CRLF line endings in CRLF', () => {
    const existing = '# windows\r\nbuild:\r\n  script: make\r\n';
    const merged = mergeChecked('gitlab-ci', existing);
    expect(merged.startsWith(existing)).toBe(true);
    expect(merged.replaceAll('\r\n', '')).not.toContain('\n');
  });

  it('finds a default branch written as a number', () => {
    const existing = 'pipelines:\n  branches:\n    2024:\n      - step:\n          script: [make]\n';
    const merged = mergeChecked('bitbucket-pipelines', existing, '2024');
    const branches = (parsed(merged).pipelines as Record<string, Tree>).branches!;
    expect(Object.keys(branches)).toEqual(['2024']);
    expect(stepNames(branches['2024'])).toEqual(['step', ...ourStepNames]);
  });
});

describe('GitHub Actions', () => {
  it('replaces its own workflow file whatever it held', () => {
    const fresh = renderCiFile('github-actions', defaultCiJobSettings, target, context, undefined);
    expect(merge('github-actions', 'name: old\non: push\njobs: {}\n')).toBe(fresh);
    expect(merge('github-actions', 'not: [valid')).toBe(fresh);
  });
});

describe('existing files that are not valid', () => {
  it.each<[CiSystem, string, RegExp]>([
    ['gitlab-ci', 'build:\n  script: [make\n', /line \d+, column \d+/],
    ['gitlab-ci', 'build:\n  script: a\nbuild:\n  script: b\n', /duplicate key/],
    [
      'bitbucket-pipelines',
      'pipelines:\n  default:\n    - step:\n      script: [a]\n   bad: indent\n',
      /line \d+/,
    ],
    ['azure-pipelines', '- script: a\n', /top level .* is a list/],
    ['azure-pipelines', 'just text\n', /top level .* is a single value/],
    ['gitlab-ci', 'a: *missing\n', /alias .* not defined before it/],
  ])('%s: %j is refused as ci_file_invalid', (system, existing, message) => {
    const error = refusal(() => merge(system, existing));
    expect(error.code).toBe('ci_file_invalid');
    expect(error.message).toMatch(message);
    expect(error.fix).toContain('then add the CI job again');
  });

  it('refuses a file of several documents as unmergeable', () => {
    const error = refusal(() => merge('gitlab-ci', 'spec:\n  inputs: {}\n---\nbuild:\n  script: a\n'));
    expect(error.code).toBe('ci_file_unmergeable');
  });
});
