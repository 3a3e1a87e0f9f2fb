import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findApiToken } from '../../src/db/api-tokens.js';
import type { TwinKit } from '../helpers/twin-kits.js';
import {
  commentsOf,
  parseCiFile,
  quotedOccurrences,
  startBulkCiWorld,
  type BulkCiWorld,
  type CiKitKind,
} from './bulk-ci-world.js';

export const proposalBranch = 'scm-connect/add-scan-job';

/** The repositories the suite adds to the kit's target, by role; `fullName` turns a short name into a full one. */
export interface CiRepositories {
  /** No CI file on the default branch. */
  readonly fresh: readonly string[];
  /** The default branch holds `existingFile`. */
  readonly merged: string;
  /** Committed to directly. */
  readonly direct: string;
  /** Its default branch is protected before the direct run. */
  readonly guarded: string;
  /** A hostile name and a hostile default branch (`hostileBranch`). */
  readonly hostile: string;
}

/** What the suite needs to know of one kind's twin: how to arrange it and how to read it back. */
export interface CiTwinView {
  readonly kind: CiKitKind;
  readonly path: string;
  readonly repositories: CiRepositories;
  readonly hostileBranch: string;
  /** Whether the file names the default branch (branch filters or keys); GitLab's uses `$CI_DEFAULT_BRANCH`. */
  readonly writesBranchNames: boolean;
  /** A CI file with comments and jobs of its own, on `merged`'s default branch. */
  readonly existingFile: string;
  /** The original jobs `jobs` finds in `existingFile`. */
  readonly ownJobs: readonly string[];
  /** Ours, as `jobs` finds them. */
  readonly ourJobs: readonly string[];
  jobs(parsed: unknown): string[];
  /** Adds the repositories (and whatever the connection needs) to the twin. */
  arrange(kit: TwinKit): Promise<void> | void;
  readonly connectToken?: string;
  fullName(name: string): string;
  defaultBranch(name: string): string;
  /** The CI file on a branch, read from the twin's state; undefined when absent. */
  fileOn(name: string, branch: string): string | undefined;
  /** Open pull requests from `proposalBranch`. */
  openPullRequests(name: string): number;
  /** Commits on the default branch. */
  defaultBranchHead(name: string): string;
  protect(name: string): void;
  /** The secret's value as the CI sees it (the API never answers it). */
  secretOf(name: string): string | undefined;
  /** Where the secret lives: repositories of one scope share it (Azure: the project). */
  secretScope(name: string): string;
}

/**
 * The bulk CI run end to end through the service's public API against one kind's twin: pull requests with new
 * and merged files, a second run that writes nothing, direct mode with a protected branch, the secret as the CI
 * sees it uploading a scan, and hostile names.
 */
export function describeBulkCi(view: CiTwinView): void {
  describe(`bulk CI runs on ${view.kind}`, () => {
    let world: BulkCiWorld;
    const { fresh, merged, direct, guarded, hostile } = view.repositories;
    const proposed = [...fresh, merged, hostile];
    const full = (names: readonly string[]) => names.map((name) => view.fullName(name));
    let firstRun = '';

    beforeAll(async () => {
      world = await startBulkCiWorld(view.kind, {
        arrange: (kit) => view.arrange(kit),
        ...(view.connectToken ? { connect: { token: view.connectToken } } : {}),
      });
    }, 120_000);
    afterAll(() => world?.close());

    it('opens one pull request per repository: a new file, or the existing one merged', async () => {
      const run = await world.startRun(full(proposed), 'pull-request');
      const ended = await world.waitForEnd(run.id);
      const steps = await world.steps(run.id);
      expect(ended, JSON.stringify(steps)).toMatchObject({
        status: 'succeeded',
        counts: { opened: proposed.length, failed: 0, pending: 0 },
      });
      firstRun = run.id;
      for (const name of proposed) {
        const step = steps.find((s) => s.fullName === view.fullName(name));
        expect(step, name).toMatchObject({ status: 'done', outcome: 'opened', secret: expect.any(String) });
        expect(step!.pullRequestUrl).toMatch(/^http/);
        expect(view.openPullRequests(name), name).toBe(1);
      }

      for (const name of fresh) {
        const file = view.fileOn(name, proposalBranch);
        expect(file, name).toBeDefined();
        expect(view.jobs(parseCiFile(file!)).sort()).toEqual([...view.ourJobs].sort());
        expect(view.fileOn(name, view.defaultBranch(name))).toBeUndefined();
      }

      const mergedFile = view.fileOn(merged, proposalBranch)!;
      const jobs = view.jobs(parseCiFile(mergedFile));
      expect(jobs).toEqual(expect.arrayContaining([...view.ownJobs, ...view.ourJobs]));
      const lines = mergedFile.split('\n');
      for (const comment of commentsOf(view.existingFile)) {
        expect(
          lines.some((line) => line.includes(comment)),
          comment,
        ).toBe(true);
      }
      expect(view.fileOn(merged, view.defaultBranch(merged))).toBe(view.existingFile);
    });

    it('writes the hostile branch name only as a quoted scalar', () => {
      const file = view.fileOn(hostile, proposalBranch);
      if (file === undefined) throw new Error('no file on the proposal branch of the hostile repository');
      expect(view.jobs(parseCiFile(file)).sort()).toEqual([...view.ourJobs].sort());
      // Wherever the name appears it is a quoted scalar of its own: never in a script or an expression.
      const occurrences = quotedOccurrences(file, view.hostileBranch);
      if (view.writesBranchNames) expect(occurrences).toBeGreaterThan(0);
      else expect(occurrences).toBe(0);
      for (const part of ['$(id)', '${{x}}']) {
        expect(file.split('\n').filter((line) => line.includes(part) && !line.includes('"'))).toEqual([]);
      }
    });

    it('keeps the upload token in the CI secret only, where it uploads a scan', async () => {
      const scopes = new Set(proposed.map((name) => view.secretScope(name)));
      const tokens = await world.tokens();
      expect(tokens).toHaveLength(scopes.size);
      expect(tokens.every((token) => token.role === 'scan-upload')).toBe(true);
      const secrets = new Set<string>();
      for (const name of proposed) {
        const secret = view.secretOf(name);
        expect(secret, name).toEqual(expect.any(String));
        const token = await findApiToken(world.service.database.db, secret!);
        expect(token, name).toMatchObject({ accountId: world.accountId, role: 'scan-upload' });
        secrets.add(secret!);
      }
      expect(secrets.size).toBe(scopes.size);

      const [name] = fresh;
      const status = await world.uploadScan(
        view.secretOf(name!)!,
        view.fullName(name!),
        view.defaultBranch(name!),
      );
      expect(status).toBe(202);

      // Not in any answer of the API nor in a step row.
      const answers = [
        await world.api.get(`${world.base}/ci-jobs`),
        await world.api.get(`${world.base}/ci-jobs/${firstRun}`),
        await world.api.get(`${world.base}/ci-jobs/${firstRun}/repositories?limit=500`),
        await world.api.get(`${world.base}/ci-jobs/${firstRun}/repositories.csv`),
        await world.api.get(`${world.base}/tokens`),
        await world.api.get(`${world.base}/repositories?limit=500`),
        await world.api.get(`${world.base}/connections`),
        ...(await Promise.all(
          proposed.map((n) => world.api.get(`${world.base}/ci-jobs/review/${world.ids[view.fullName(n)]}`)),
        )),
      ];
      const rows = await world.service.database.db.selectFrom('bulk_ci_steps').selectAll().execute();
      expect(rows.length).toBeGreaterThanOrEqual(proposed.length);
      const seen = [...answers.map((answer) => answer.text), JSON.stringify(rows)];
      for (const secret of secrets) {
        for (const text of seen) expect(text.includes(secret)).toBe(false);
      }
    });

    it('a second run over the same repositories writes nothing and makes no token', async () => {
      const tokensBefore = (await world.tokens()).map((t) => t.id).sort();
      const writesBefore = world.scmWrites();
      const run = await world.startRun(full(proposed), 'pull-request');
      const ended = await world.waitForEnd(run.id);
      const steps = await world.steps(run.id);
      expect(ended, JSON.stringify(steps)).toMatchObject({
        status: 'succeeded',
        counts: { present: proposed.length, opened: 0, updated: 0, failed: 0 },
      });
      for (const step of steps) expect(step).toMatchObject({ outcome: 'unchanged', secret: 'present' });
      expect(world.scmWrites()).toBe(writesBefore);
      expect((await world.tokens()).map((t) => t.id).sort()).toEqual(tokensBefore);
      for (const name of proposed) expect(view.openPullRequests(name)).toBe(1);
    });

    it('commits directly where allowed; a protected default branch fails with the rule to change', async () => {
      view.protect(guarded);
      const guardedHead = view.defaultBranchHead(guarded);
      const run = await world.startRun(full([direct, guarded]), 'direct');
      const ended = await world.waitForEnd(run.id);
      const steps = await world.steps(run.id);
      expect(ended, JSON.stringify(steps)).toMatchObject({
        status: 'succeeded',
        counts: { committed: 1, failed: 1 },
      });
      const committed = steps.find((s) => s.fullName === view.fullName(direct))!;
      expect(committed).toMatchObject({ status: 'done', outcome: 'committed', pullRequestUrl: null });
      expect(committed.commitUrl).toMatch(/^http.*[0-9a-f]{40}$/);
      expect(committed.commitUrl).toContain(view.defaultBranchHead(direct));
      const file = view.fileOn(direct, view.defaultBranch(direct))!;
      expect(view.jobs(parseCiFile(file)).sort()).toEqual([...view.ourJobs].sort());

      const refused = steps.find((s) => s.fullName === view.fullName(guarded))!;
      expect(refused).toMatchObject({
        status: 'failed',
        reason: 'branch_protected',
        fix: expect.any(String),
      });
      expect(refused.message).not.toMatch(/\{|"message"|TF\d+.*\{/);
      expect(view.defaultBranchHead(guarded)).toBe(guardedHead);
      expect(view.fileOn(guarded, view.defaultBranch(guarded))).toBeUndefined();
    });
  });
}
