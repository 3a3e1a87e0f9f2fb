import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runConnections } from '../../src/cli/connections.js';
import { setUpAdmin } from '../helpers/api-client.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { startKit, type TwinKit } from '../helpers/twin-kits.js';
import { demoGitHubScenario, startGitHubTwin } from '../twins/github/index.js';

/** Runs `scm-connect connections …` in this process and returns its exit code and output. */
async function cli(args: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err.push(String(chunk));
    return true;
  });
  try {
    const code = await runConnections(args, env);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe('scm-connect connections', () => {
  let kit: TwinKit;
  let service: TestService;
  let env: Record<string, string>;

  beforeAll(async () => {
    kit = await startKit('gitlab-self-managed');
    service = await startTestService({
      SCM_CONNECT_ALLOWED_HOSTS: '127.0.0.1',
      SCM_CONNECT_ALLOW_HTTP: 'true',
    });
    const { client, session } = await setUpAdmin(service);
    const token = await client.post<{ secret: string }>(
      `/api/v1/accounts/${session.currentAccountId}/tokens`,
      {
        name: 'cli',
        role: 'admin',
      },
    );
    env = { SCM_CONNECT_URL: service.url, SCM_CONNECT_API_TOKEN: token.body.secret };
  });
  afterAll(async () => {
    await service.close();
    await kit.close();
  });

  it('adds, lists, tests, syncs and removes a connection through the API', async () => {
    expect((await cli(['list'], env)).stdout).toContain('No source code managers connected yet.');

    const refused = await cli(
      ['add', '--kind', 'gitlab-self-managed', '--base-url', kit.baseUrl, '--group', kit.target],
      {
        ...env,
        SCM_CONNECT_SCM_TOKEN: kit.tokens.bad,
      },
    ).catch((error: Error) => ({ code: 1, stdout: '', stderr: error.message }));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).not.toContain(kit.tokens.bad);

    const added = await cli(
      ['add', '--kind', 'gitlab-self-managed', '--base-url', kit.baseUrl, '--group', kit.target, '--json'],
      { ...env, SCM_CONNECT_SCM_TOKEN: kit.tokens.good },
    );
    expect(added.code).toBe(0);
    const connection = JSON.parse(added.stdout) as { id: string; hasToken: boolean };
    expect(connection.hasToken).toBe(true);
    expect(added.stdout).not.toContain(kit.tokens.good);

    const synced = await cli(['sync', connection.id, '--wait'], env);
    expect(synced).toMatchObject({ code: 0, stdout: expect.stringContaining('Sync finished.') });
    const listed = await cli(['list'], env);
    expect(listed.stdout).toContain(connection.id);
    expect(listed.stdout).toContain(`${kit.repositoryCount} repositories`);

    const tested = await cli(['test', connection.id], env);
    expect(tested.code).toBe(0);
    expect(tested.stdout).toMatch(/Test connection: (OK|WARN)/);
    expect(tested.stdout).toContain('reachable');

    expect((await cli(['remove', connection.id], env)).code).toBe(2);
    expect((await cli(['remove', connection.id, '--yes'], env)).stdout).toContain('Removed.');
    expect((await cli(['list'], env)).stdout).toContain('No source code managers connected yet.');
  });

  it('adds a GitHub Enterprise Server entry without reading a token, and says what comes next', async () => {
    const twin = await startGitHubTwin(demoGitHubScenario(), { flavor: 'enterprise' });
    try {
      const added = await cli(
        ['add', '--kind', 'github-enterprise', '--base-url', twin.webUrl, '--organization', 'acme'],
        // A token given anyway is not sent: the entry has none.
        { ...env, SCM_CONNECT_SCM_TOKEN: 'not-for-this-kind' },
      );
      expect(added.code).toBe(0);
      expect(added.stdout).toMatch(/^Added github-enterprise acme as [0-9a-f-]{36}; click Register app/);
      expect((await cli(['list'], env)).stdout).toMatch(/github-enterprise\s+acme {2}pending/);
    } finally {
      await twin.close();
    }
  });

  it('says what to set when no API token is given', async () => {
    await expect(runConnections(['list'], { SCM_CONNECT_URL: service.url })).rejects.toThrow(
      'SCM_CONNECT_API_TOKEN',
    );
  });
});
