import { describe, expect, it } from 'vitest';
import { Scalar } from 'yaml';
import { hasCiJob, renderCiFile } from '../../src/onboarding/ci-files/index.js';
import { defaultCiJobSettings } from '../../src/onboarding/ci-settings.js';
import type { CiSystem } from '../../src/scm/provider.js';
import { context, parsed, scalarsHolding, scriptLines, systems, type Tree } from './ci-files-fixtures.js';

const hostileNames = [
  "main'; echo pwned #",
  'a"b',
  '${{ github.token }}',
  '$(rm -rf /)',
  'x: y',
  '[a]',
  '*anchor',
  '&anchor',
  '!tag',
  '- b',
  '? q',
  '|pipe',
  'with space',
  'back\\slash',
  'release+1',
  'ブランチ/機能 ✓',
  '%YAML 1.2',
  'true',
  '123',
];

/** GitHub's filters match these characters literally only when escaped. */
const githubFilter: Record<string, string> = {
  '[a]': '\\[a\\]',
  '*anchor': '\\*anchor',
  '!tag': '\\!tag',
  '? q': '\\? q',
  'back\\slash': 'back\\\\slash',
  'release+1': 'release\\+1',
};

const existing: Record<CiSystem, string | undefined> = {
  'github-actions': undefined,
  'gitlab-ci': 'stages: [build, test]\nbuild:\n  stage: build\n  script: make # build\n',
  'bitbucket-pipelines':
    '# ours\npipelines:\n  default:\n    - step:\n        script: [make]\n  pull-requests:\n    "**":\n      - step:\n          script: [make test]\n',
  'azure-pipelines':
    '# ours\ntrigger:\n  - develop\npr: none\njobs:\n  - job: Build\n    steps:\n      - script: make\n',
};

/** Where the default branch's name must appear, and nowhere else. */
function placedBranches(system: CiSystem, file: string): unknown[] {
  const tree = parsed(file);
  switch (system) {
    case 'github-actions':
      return (tree.on as { push: { branches: unknown[] } }).push.branches;
    case 'gitlab-ci':
      return [];
    case 'bitbucket-pipelines':
      return Object.keys((tree.pipelines as { branches: Tree }).branches).filter((key) => key !== 'main');
    case 'azure-pipelines': {
      const includes = (node: unknown) =>
        Array.isArray(node) ? node : (node as { branches: { include: unknown[] } }).branches.include;
      return [
        ...includes(tree.trigger).filter((branch) => branch !== 'develop'),
        ...includes(tree.pr),
        ...includes((tree.schedules as unknown[])[0]),
      ];
    }
  }
}

const expectedCount: Record<CiSystem, number> = {
  'github-actions': 1,
  'gitlab-ci': 0,
  'bitbucket-pipelines': 1,
  'azure-pipelines': 3,
};

describe.each(systems)('%s with hostile repository and branch names', (system) => {
  it.each(hostileNames)('%j is only ever a quoted scalar in its place', (name) => {
    const target = { externalId: `id-${name}`, fullName: `${name}/${name}`, defaultBranch: name };
    for (const before of [undefined, existing[system]]) {
      const file = renderCiFile(system, defaultCiJobSettings, target, context, before);
      const written = system === 'github-actions' ? (githubFilter[name] ?? name) : name;

      expect(placedBranches(system, file)).toEqual(Array(expectedCount[system]).fill(written));
      const holding = scalarsHolding(file, written);
      expect(holding).toHaveLength(expectedCount[system]);
      for (const scalar of holding) expect(scalar).toEqual({ value: written, type: Scalar.QUOTE_DOUBLE });

      for (const line of scriptLines(system, file)) {
        expect(line).not.toContain(name);
        expect(line).not.toContain(written);
      }
      expect(file).not.toContain(`${name}/${name}`);
      expect(renderCiFile(system, defaultCiJobSettings, target, context, file)).toBe(file);
      expect(hasCiJob(system, file)).toBe(true);
    }
  });
});
