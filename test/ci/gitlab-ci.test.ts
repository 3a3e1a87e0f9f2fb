import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isScmError, type ScmError } from '../../src/scm/errors.js';
import { gitBlobId } from '../../src/scm/files.js';
import type { CiWriter } from '../../src/scm/provider.js';
import { rejectionOf } from '../helpers/scm-http.js';
import {
  existingCi,
  repo,
  startGitLabCiWorld,
  template,
  tokens,
  type GitLabCiWorld,
} from './gitlab-ci-world.js';

const scan = 'include:\n  - remote: https://scm.example.com/scan.yml\n';

const scmError = (error: unknown): ScmError => {
  expect(isScmError(error), `an ScmError, got ${String(error)}`).toBe(true);
  return error as ScmError;
};

describe('GitLab CI writer (merge request mode)', () => {
  let world: GitLabCiWorld;
  let ci: CiWriter;
  const web = repo(5001, 'web');

  beforeAll(async () => {
    world = await startGitLabCiWorld();
    ci = world.provider().ci!;
  });
  afterAll(async () => world.close());

  it('declares GitLab CI and the ci capability', () => {
    const provider = world.provider();
    expect(ci.system).toBe('gitlab-ci');
    expect(provider.capabilities.ci).toBe(true);
    expect(provider.ciSecrets?.label).toBe('GitLab CI/CD variable');
  });

  it('opens a merge request with the file on a new branch, which GitLab deletes on merge', async () => {
    const result = await ci.ensureCiJob(web, template(scan));
    expect(result.outcome).toBe('opened');
    const project = world.twin.project('acme/web');
    const mr = world.twin.mergeRequest('acme/web', result.pullRequest!.number);
    expect(result.pullRequest!.webUrl).toBe(`${world.twin.url}/acme/web/-/merge_requests/${mr.iid}`);
    expect(mr).toMatchObject({
      sourceBranch: 'scanner/add-ci',
      targetBranch: 'main',
      title: 'Add code scanning',
      description: 'Adds the scanner CI job.',
      removeSourceBranch: true,
      state: 'opened',
    });
    expect(project.branches.get('scanner/add-ci')!.files.get('.gitlab-ci.yml')).toBe(scan);
    expect(project.branches.get('main')!.files.has('.gitlab-ci.yml')).toBe(false);
  });

  it('changes nothing when called again: no commit, no second merge request', async () => {
    const project = world.twin.project('acme/web');
    const head = project.branches.get('scanner/add-ci')!.commit;
    const commits = world.twin.count('/api/v4/projects/5001/repository/commits', 'POST');
    const again = await ci.ensureCiJob(web, template(scan));
    expect(again.outcome).toBe('unchanged');
    expect(world.twin.count('/api/v4/projects/5001/repository/commits', 'POST')).toBe(commits);
    expect(project.branches.get('scanner/add-ci')!.commit).toBe(head);
    expect([...project.mergeRequests.values()].filter((mr) => mr.state === 'opened')).toHaveLength(1);
    expect(again.pullRequest?.number).toBe([...project.mergeRequests.keys()][0]);
  });

  it('updates the open merge request when the content changes', async () => {
    const project = world.twin.project('acme/web');
    const before = [...project.mergeRequests.keys()];
    const changed = await ci.ensureCiJob(web, template(`${scan}# v2\n`));
    expect(changed.outcome).toBe('updated');
    expect([...project.mergeRequests.keys()]).toEqual(before);
    expect(changed.pullRequest?.number).toBe(before[0]);
    expect(project.branches.get('scanner/add-ci')!.files.get('.gitlab-ci.yml')).toBe(`${scan}# v2\n`);
  });

  it('answers `present` when the default branch already has the same blob, and proposes nothing', async () => {
    const hasCi = repo(5002, 'has-ci');
    const result = await ci.ensureCiJob(hasCi, template(existingCi));
    expect(result).toEqual({ outcome: 'present' });
    const project = world.twin.project('acme/has-ci');
    expect(project.branches.has('scanner/add-ci')).toBe(false);
    expect(project.mergeRequests.size).toBe(0);
  });

  it('updates an existing CI file on the branch (an `update` action, not a `create`)', async () => {
    const hasCi = repo(5002, 'has-ci');
    const merged = `${existingCi}${scan}`;
    const result = await ci.ensureCiJob(hasCi, template(merged));
    expect(result.outcome).toBe('opened');
    const branch = world.twin.project('acme/has-ci').branches.get('scanner/add-ci')!;
    expect(branch.files.get('.gitlab-ci.yml')).toBe(merged);
  });

  it('reads a CI file with git’s blob id, undefined for a path that holds none', async () => {
    const file = await ci.readCiFile(repo(5002, 'has-ci'), '.gitlab-ci.yml');
    expect(file).toEqual({ content: existingCi, blobId: gitBlobId(Buffer.from(existingCi)) });
    expect(await ci.readCiFile(web, 'nope/.gitlab-ci.yml')).toBeUndefined();
    expect(await ci.readCiFile(web, '.gitlab-ci.yml', 'scanner/add-ci')).toMatchObject({
      content: `${scan}# v2\n`,
    });
    expect(await ci.readCiFile(web, '.gitlab-ci.yml', 'no-such-branch')).toBeUndefined();
  });

  it.each([
    ['known to be empty', null],
    ['listed before its first push', 'main'],
  ])('refuses an empty project (%s) with repository_empty', async (_what, defaultBranch) => {
    const empty = repo(5003, 'empty', defaultBranch);
    for (const attempt of [
      ci.readCiFile(empty, '.gitlab-ci.yml'),
      ci.ensureCiJob(empty, template(scan)),
      ci.commitCiFile(empty, template(scan)),
    ]) {
      const error = scmError(await rejectionOf(attempt));
      expect([error.kind, error.code]).toEqual(['not-found', 'repository_empty']);
      expect(error.fix).toMatch(/first commit/);
    }
    expect(world.twin.project('acme/empty').branches.size).toBe(0);
  });

  it('encodes an awkward project path, branch name and file path as single URL segments', async () => {
    const branch = 'scanner/ci#1%2F&x=+y';
    const path = 'ci/scan #1?.yml';
    const odd = { externalId: 'acme/odd.path_x-1', fullName: 'acme/odd.path_x-1', defaultBranch: 'main' };
    const result = await ci.ensureCiJob(odd, template(scan, { branch, path }));
    expect(result.outcome).toBe('opened');
    const project = world.twin.project('acme/odd.path_x-1');
    expect(project.branches.get(branch)!.files.get(path)).toBe(scan);
    expect(world.twin.mergeRequest('acme/odd.path_x-1', result.pullRequest!.number).sourceBranch).toBe(
      branch,
    );
    const paths = world.twin.log.map((entry) => entry.path);
    expect(paths).toContain(
      `/api/v4/projects/acme%2Fodd.path_x-1/repository/branches/${encodeURIComponent(branch)}`,
    );
    expect(paths).toContain(
      `/api/v4/projects/acme%2Fodd.path_x-1/repository/files/${encodeURIComponent(path)}`,
    );
    expect((await ci.ensureCiJob(odd, template(scan, { branch, path }))).outcome).toBe('unchanged');
  });

  it('refuses a path that leaves the repository before any request', async () => {
    const before = world.twin.log.length;
    const error = scmError(await rejectionOf(ci.ensureCiJob(web, template(scan, { path: '../x.yml' }))));
    expect([error.kind, error.code]).toEqual(['invalid', 'invalid_path']);
    expect(world.twin.log.length).toBe(before);
  });

  it('refuses a Reporter with the role to grant, before any branch is made', async () => {
    const reporter = world.provider(tokens.reporter).ci!;
    const error = scmError(
      await rejectionOf(reporter.ensureCiJob(web, template(scan, { branch: 'scanner/reporter' }))),
    );
    expect([error.kind, error.code]).toEqual(['forbidden', 'insufficient_permissions']);
    expect(error.fix).toMatch(/Developer role/);
    expect(world.twin.project('acme/web').branches.has('scanner/reporter')).toBe(false);
  });

  it('refuses a token without the `api` scope with the scope to grant', async () => {
    const readOnly = world.provider(tokens.ownerReadApi).ci!;
    const error = scmError(
      await rejectionOf(readOnly.ensureCiJob(web, template(scan, { branch: 'scanner/read' }))),
    );
    expect([error.kind, error.code]).toEqual(['forbidden', 'insufficient_scopes']);
    expect(error.fix).toMatch(/`api` scope/);
  });
});

describe('GitLab CI writer (direct mode)', () => {
  let world: GitLabCiWorld;
  const web = repo(5001, 'web');

  beforeAll(async () => {
    world = await startGitLabCiWorld();
  });
  afterAll(async () => world.close());

  it('commits on the default branch, then answers `present`', async () => {
    const ci = world.provider().ci!;
    const result = await ci.commitCiFile(web, template(scan));
    const main = world.twin.project('acme/web').branches.get('main')!;
    expect(result).toEqual({
      outcome: 'committed',
      commit: { sha: main.commit, webUrl: `${world.twin.url}/acme/web/-/commit/${main.commit}` },
    });
    expect(main.files.get('.gitlab-ci.yml')).toBe(scan);
    expect(await ci.commitCiFile(web, template(scan))).toEqual({ outcome: 'present' });
    expect(main.commit).toBe(result.commit!.sha);
    // An existing file is replaced (an `update` action).
    expect((await ci.commitCiFile(web, template(`${scan}# v2\n`))).outcome).toBe('committed');
    expect(main.files.get('.gitlab-ci.yml')).toBe(`${scan}# v2\n`);
  });

  it('refuses a protected default branch with branch_protected and the rule to change', async () => {
    const developer = world.provider(tokens.developer).ci!;
    const head = world.twin.project('acme/web').branches.get('main')!.commit;
    const error = scmError(await rejectionOf(developer.commitCiFile(web, template(`${scan}# bob\n`))));
    expect([error.kind, error.code, error.status]).toEqual(['forbidden', 'branch_protected', 403]);
    expect(error.message).toContain('`main`');
    expect(error.fix).toMatch(/Protected branches/);
    expect(world.twin.project('acme/web').branches.get('main')!.commit).toBe(head);
  });

  it('commits once the rule lets Developers push (`developers_can_push`)', async () => {
    world.twin.protectBranch('acme/web', 'main', { pushAccessLevel: 30 });
    try {
      const developer = world.provider(tokens.developer).ci!;
      expect((await developer.commitCiFile(web, template(`${scan}# bob\n`))).outcome).toBe('committed');
    } finally {
      world.twin.protectBranch('acme/web', 'main', { pushAccessLevel: 40 });
    }
  });

  it('refuses a branch no one may push to, even for its Owner', async () => {
    world.twin.protectBranch('acme/web', 'main', { pushAccessLevel: 0 });
    try {
      const error = scmError(
        await rejectionOf(world.provider().ci!.commitCiFile(web, template(`${scan}# no one\n`))),
      );
      expect(error.code).toBe('branch_protected');
    } finally {
      world.twin.protectBranch('acme/web', 'main', { pushAccessLevel: 40 });
    }
  });

  it('tells a Reporter’s refusal from a protected branch: the role is what to change', async () => {
    const reporter = world.provider(tokens.reporter).ci!;
    const error = scmError(await rejectionOf(reporter.commitCiFile(web, template(`${scan}# carol\n`))));
    expect([error.kind, error.code]).toEqual(['forbidden', 'insufficient_permissions']);
    expect(error.fix).toMatch(/Developer role/);
  });

  it('refuses a token without the `api` scope', async () => {
    const readOnly = world.provider(tokens.ownerReadApi).ci!;
    const error = scmError(await rejectionOf(readOnly.commitCiFile(web, template(`${scan}# ro\n`))));
    expect(error.code).toBe('insufficient_scopes');
  });
});
