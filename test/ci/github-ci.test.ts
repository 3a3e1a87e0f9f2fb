import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScmError } from '../../src/scm/errors.js';
import { gitBlobId } from '../../src/scm/files.js';
import type { CiTemplate } from '../../src/scm/provider.js';
import { rejectionOf } from '../helpers/scm-http.js';
import { acmeAccount, githubScenario } from '../providers/github-harness.js';
import type { GitHubScenario } from '../twins/github/scenario.js';
import { startGitHubCiWorld, type GitHubCiWorld } from './github-ci-world.js';

const repos = [
  { name: 'ci-pr', id: 7301 },
  { name: 'ci-direct', id: 7302 },
  { name: 'ci-ruleset', id: 7303, protection: 'ruleset' as const },
  { name: 'ci-classic', id: 7304, protection: 'classic' as const },
  { name: 'ci-empty', id: 7305, empty: true },
  { name: 'ci.odd-name_v2', id: 7306 },
  { name: 'ci-fork', id: 7307, fork: true },
  { name: 'ci-secrets', id: 7308 },
];

function scenario(privateKey: string): GitHubScenario {
  const base = githubScenario(privateKey);
  const [acme, ...orgs] = base.orgs;
  return { ...base, orgs: [{ ...acme!, repos: [...acme!.repos!, ...repos] }, ...orgs] };
}

const target = (name: string) => {
  const repo = repos.find((r) => r.name === name)!;
  return { externalId: String(repo.id), fullName: `acme/${name}`, defaultBranch: 'main' };
};

const template = (branch: string, content = 'name: scan\non: [pull_request]\n'): CiTemplate => ({
  path: '.github/workflows/scan.yml',
  content,
  branch,
  commitMessage: 'Add the scanner CI job',
  pullRequest: { title: 'Add code scanning', description: 'Adds the scanner CI job.' },
});

const scmError = (error: unknown): ScmError => {
  expect(error).toBeInstanceOf(ScmError);
  return error as ScmError;
};

describe.each(['cloud', 'enterprise'] as const)('GitHub CI writer and Actions secrets (%s)', (flavor) => {
  let world: GitHubCiWorld;
  const prefix = flavor === 'enterprise' ? '/api/v3' : '';
  const puts = (repo: string) => world.twin.count(`${prefix}/repos/acme/${repo}/contents/`, 'PUT');
  const fileOn = (repo: string, branch: string, path: string) => {
    const git = world.twin.state.git(world.twin.state.requireRepo(`acme/${repo}`));
    return git.commits.get(git.branches.get(branch)!)?.files.get(path)?.toString('utf8');
  };

  beforeAll(async () => {
    world = await startGitHubCiWorld(flavor, scenario);
  });
  afterAll(() => world.close());

  it('opens one pull request, writes nothing when called again, and updates it when the content changes', async () => {
    const { ci } = world.provider();
    expect(ci.system).toBe('github-actions');
    const opened = await ci.ensureCiJob(target('ci-pr'), template('scanner/add-ci'));
    expect(opened.outcome).toBe('opened');
    expect(opened.pullRequest?.webUrl).toBe(
      `${world.twin.webUrl}/acme/ci-pr/pull/${opened.pullRequest!.number}`,
    );
    const writes = puts('ci-pr');

    const again = await ci.ensureCiJob(target('ci-pr'), template('scanner/add-ci'));
    expect(again).toEqual({ ...opened, outcome: 'unchanged' });
    expect(puts('ci-pr'), 'no second commit').toBe(writes);

    const changed = await ci.ensureCiJob(target('ci-pr'), template('scanner/add-ci', 'name: scan v2\n'));
    expect(changed).toEqual({ ...opened, outcome: 'updated' });
    expect(puts('ci-pr')).toBe(writes + 1);
    expect(fileOn('ci-pr', 'scanner/add-ci', '.github/workflows/scan.yml')).toBe('name: scan v2\n');
    expect(fileOn('ci-pr', 'main', '.github/workflows/scan.yml')).toBeUndefined();
  });

  it('reads a CI file with its blob id; a missing one is undefined, an empty repository is repository_empty', async () => {
    const { ci } = world.provider();
    const onBranch = await ci.readCiFile(target('ci-pr'), '.github/workflows/scan.yml', 'scanner/add-ci');
    expect(onBranch).toEqual({
      content: 'name: scan v2\n',
      blobId: gitBlobId(Buffer.from('name: scan v2\n')),
    });
    expect(await ci.readCiFile(target('ci-pr'), '.github/workflows/scan.yml')).toBeUndefined();
    expect(await ci.readCiFile({ ...target('ci-pr'), defaultBranch: null }, 'README.md')).toEqual({
      content: '# ci-pr\n',
      blobId: gitBlobId(Buffer.from('# ci-pr\n')),
    });
    const empty = scmError(await rejectionOf(ci.readCiFile(target('ci-empty'), '.gitlab-ci.yml')));
    expect([empty.kind, empty.code]).toEqual(['not-found', 'repository_empty']);
    const noRef = scmError(await rejectionOf(ci.readCiFile(target('ci-pr'), 'README.md', 'no-such-branch')));
    expect([noRef.kind, noRef.code]).toEqual(['not-found', 'ref_not_found']);
    const dir = scmError(
      await rejectionOf(ci.readCiFile(target('ci-pr'), '.github/workflows', 'scanner/add-ci')),
    );
    expect(dir.code).toBe('ci_path_not_a_file');
    const outside = scmError(await rejectionOf(ci.readCiFile(target('ci-pr'), '../secrets.yml')));
    expect(outside.code).toBe('invalid_path');
  });

  it('answers present when the default branch already has the same blob, proposing nothing', async () => {
    const { ci } = world.provider();
    const wanted = template('scanner/present', 'name: already\n');
    const repo = world.twin.state.requireRepo('acme/ci-direct');
    world.twin.state.commit(repo, 'main', 'scan', new Map([[wanted.path, Buffer.from(wanted.content)]]));
    const before = world.twin.count(`${prefix}/repos/acme/ci-direct/`, 'POST');
    expect(await ci.ensureCiJob(target('ci-direct'), wanted)).toEqual({ outcome: 'present' });
    expect(await ci.commitCiFile(target('ci-direct'), wanted)).toEqual({ outcome: 'present' });
    expect(world.twin.count(`${prefix}/repos/acme/ci-direct/`, 'POST')).toBe(before);
  });

  it('commits directly on the default branch, replacing the file, and then finds it present', async () => {
    const { ci } = world.provider();
    const wanted = template('unused', 'name: direct\n');
    const before = puts('ci-direct');
    const committed = await ci.commitCiFile(target('ci-direct'), wanted);
    const repo = world.twin.state.requireRepo('acme/ci-direct');
    const head = world.twin.state.git(repo).branches.get('main')!;
    expect(committed).toEqual({
      outcome: 'committed',
      commit: { sha: head, webUrl: `${world.twin.webUrl}/acme/ci-direct/commit/${head}` },
    });
    expect(fileOn('ci-direct', 'main', wanted.path)).toBe('name: direct\n');
    expect(await ci.commitCiFile(target('ci-direct'), wanted)).toEqual({ outcome: 'present' });
    expect(puts('ci-direct')).toBe(before + 1);
  });

  it.each(['ci-ruleset', 'ci-classic'])(
    'refuses a direct commit on the protected branch of %s as branch_protected',
    async (name) => {
      const { ci } = world.provider();
      const error = scmError(await rejectionOf(ci.commitCiFile(target(name), template('unused'))));
      expect([error.kind, error.code, error.status]).toEqual(['forbidden', 'branch_protected', 409]);
      expect(error.message).toContain('`main`');
      expect(error.fix).toBe('Use pull request mode, or allow the app to bypass the rule');
      expect(fileOn(name, 'main', '.github/workflows/scan.yml')).toBeUndefined();
      // Pull-request mode is not refused: the proposal branch is not protected.
      expect((await ci.ensureCiJob(target(name), template('scanner/add-ci'))).outcome).toBe('opened');
    },
  );

  it('names the `workflows` permission when GitHub refuses a workflow file, in both modes', async () => {
    const installation = world.twin.state.installations.get(4001)!;
    const saved = installation.permissions;
    const { workflows: _workflows, ...withoutWorkflows } = saved;
    installation.permissions = withoutWorkflows;
    try {
      const { ci } = world.provider();
      for (const refused of [
        ci.commitCiFile(target('ci-direct'), template('unused', 'name: no permission\n')),
        ci.ensureCiJob(target('ci-direct'), template('scanner/no-workflows', 'name: no permission\n')),
      ]) {
        const error = scmError(await rejectionOf(refused));
        expect([error.kind, error.code]).toEqual(['forbidden', 'workflows_permission']);
        expect(error.fix).toContain('Workflows: Read and write');
      }
    } finally {
      installation.permissions = saved;
    }
  });

  it('passes odd repository, branch and path names through encoded', async () => {
    const { ci } = world.provider();
    const branch = 'scanner/ci#1&x=%41+é';
    const odd = { ...template(branch), path: '.github/workflows/scan ci#1?.yml' };
    const opened = await ci.ensureCiJob(target('ci.odd-name_v2'), odd);
    expect(opened.outcome).toBe('opened');
    expect(fileOn('ci.odd-name_v2', branch, odd.path)).toBe(odd.content);
    const pull = world.twin.state.pull(
      world.twin.state.requireRepo('acme/ci.odd-name_v2'),
      opened.pullRequest!.number,
    );
    expect([pull?.head, pull?.base]).toEqual([branch, 'main']);
    expect((await ci.ensureCiJob(target('ci.odd-name_v2'), odd)).outcome).toBe('unchanged');
    expect(await ci.readCiFile(target('ci.odd-name_v2'), odd.path, branch)).toMatchObject({
      content: odd.content,
    });
  });

  it('lists forks as forks', async () => {
    const provider = world.provider();
    const listed: { name: string; fork?: boolean }[] = [];
    for await (const repo of provider.listRepositories({ externalId: acmeAccount.id, name: 'acme' }))
      listed.push(repo);
    expect(listed.find((r) => r.name === 'ci-fork')?.fork).toBe(true);
    expect(listed.find((r) => r.name === 'ci-pr')?.fork).toBe(false);
  });

  it('puts an Actions secret the CI can read, replaces it, and tells whether it exists', async () => {
    const { ciSecrets } = world.provider();
    const repo = target('ci-secrets');
    expect(ciSecrets.label).toBe('GitHub Actions repository secret');
    expect(ciSecrets.scopeOf(repo)).toBe('7308');
    expect(await ciSecrets.hasSecret(repo, 'SCANNER_TOKEN')).toBe(false);
    await ciSecrets.putSecret(repo, 'SCANNER_TOKEN', 'tok-1 “sealed”');
    expect(world.twin.actionsSecret('acme/ci-secrets', 'SCANNER_TOKEN')).toBe('tok-1 “sealed”');
    expect(await ciSecrets.hasSecret(repo, 'SCANNER_TOKEN')).toBe(true);
    world.twin.rotateActionsSecretsKey('acme/ci-secrets');
    await ciSecrets.putSecret(repo, 'SCANNER_TOKEN', 'tok-2');
    expect(world.twin.actionsSecret('acme/ci-secrets', 'SCANNER_TOKEN')).toBe('tok-2');
    const bad = scmError(await rejectionOf(ciSecrets.putSecret(repo, 'GITHUB_TOKEN', 'tok-3')));
    expect([bad.kind, bad.code, bad.message]).toEqual([
      'invalid',
      'invalid_secret_name',
      expect.not.stringContaining('tok-3'),
    ]);
  });

  it('refuses without the `secrets` permission, naming it, and never tells the value', async () => {
    const installation = world.twin.state.installations.get(4001)!;
    const saved = installation.permissions;
    const { secrets: _secrets, ...withoutSecrets } = saved;
    installation.permissions = withoutSecrets;
    try {
      const { ciSecrets } = world.provider();
      for (const refused of [
        ciSecrets.putSecret(target('ci-secrets'), 'SCANNER_TOKEN', 'very-secret-value'),
        ciSecrets.hasSecret(target('ci-secrets'), 'SCANNER_TOKEN'),
      ]) {
        const error = scmError(await rejectionOf(refused));
        expect([error.kind, error.status]).toEqual(['forbidden', 403]);
        expect(error.fix).toBe('Grant the app the repository permission Secrets: read and write');
        expect(`${error.message} ${error.fix} ${String(error.stack)}`).not.toContain('very-secret-value');
      }
    } finally {
      installation.permissions = saved;
    }
    expect(world.twin.actionsSecret('acme/ci-secrets', 'SCANNER_TOKEN')).toBe('tok-2');
  });
});
