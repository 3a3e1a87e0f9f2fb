import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isScmError } from '../../src/scm/errors.js';
import { checkPullRequestCommenter, type CommenterFixture } from './comment-contract.js';
import { gitBlobId } from '../../src/scm/files.js';
import {
  capabilityIds,
  summarizeReport,
  type Check,
  type CiTemplate,
  type CiWriter,
  type FileReader,
  type InlinePosition,
  type PullRequestCommenter,
  type PullRequestRef,
  type ScmComment,
  type ScmMember,
  type ScmOrganization,
  type ScmOrganizationRef,
  type ScmProvider,
  type ScmRepository,
  type ScmRepositoryRef,
  type TestReport,
} from '../../src/scm/provider.js';

/**
 * The behaviour every `ScmProvider` shares, run by each provider against its twin:
 * `runProviderContract('gitlab', async () => ({ provider, expected, breakToken, twin, teardown }))`.
 * The checks are exported one by one so that the suite itself can be shown to catch a broken provider.
 */

/** What the twin was seeded with, as the provider should report it. */
export interface ContractExpectations {
  /** `ScmOrganization.name` of the connection's organization. */
  readonly organization: string;
  /** Every repository of that organization; more than one page, so that lazy listing can be observed. */
  readonly repositoryCount: number;
  readonly someRepository: {
    readonly externalId: string;
    readonly name: string;
    readonly defaultBranch: string | null;
    readonly archived: boolean;
    readonly visibility?: ScmRepository['visibility'];
  };
  /** Set when the provider lists members. */
  readonly memberCount?: number;
  readonly someMember?: { readonly login: string; readonly role: ScmMember['role'] };
}

/** An open pull request the comment checks write on (providers that comment). */
export interface ContractPullRequest {
  readonly ref: PullRequestRef;
  /** A line of the diff's new side at the head commit, for an inline comment (providers with inline comments). */
  readonly inline?: InlinePosition;
  /** A line of the same file at the same commit that is not part of the diff. */
  readonly offDiffLine?: number;
}

/** A repository without the CI file, where the CI checks may propose it (providers that write CI files). */
export type ContractCiRepository = ScmRepositoryRef & Pick<ScmRepository, 'defaultBranch'>;

/** A file the twin was seeded with, at the head commit of its repository's default branch (providers that read files). */
export interface ContractFile {
  readonly repository: ScmRepositoryRef;
  /** The commit the default branch points at. */
  readonly commitSha: string;
  /** A file at that commit, and its content. */
  readonly path: string;
  readonly content: string;
  /** A directory at that commit, when the repository has one: reading it gives undefined. */
  readonly directory?: string;
}

export interface ContractFixture {
  readonly provider: ScmProvider;
  readonly expected: ContractExpectations;
  /** Required when the provider offers `comments`. */
  readonly pullRequest?: ContractPullRequest;
  /** Required when the provider offers `comments`: what the comment reconciler relies on is checked on it. */
  readonly commenter?: CommenterFixture;
  /** Required when the provider offers `ci`. */
  readonly ciRepository?: ContractCiRepository;
  /** Required when the provider offers `files`. */
  readonly file?: ContractFile;
  /** A provider for the same target whose token the twin has revoked. */
  breakToken(): Promise<ScmProvider>;
  /** Requests the twin has received, optionally under a path prefix. */
  readonly twin: { count(pathPrefix?: string): number };
  teardown(): Promise<void>;
}

/** A commit id the link checks pin to. */
export const contractCommitSha = '0123456789abcdef0123456789abcdef01234567';

const statuses = ['ok', 'warn', 'fail', 'skipped'];

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

const isIsoDate = (value: string): boolean => !Number.isNaN(Date.parse(value));

export function checkHttpUrl(value: string, what: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  expect(url, `${what} "${value}" is a URL`).toBeDefined();
  expect(['http:', 'https:'], `${what} "${value}" is http(s)`).toContain(url!.protocol);
  return url!;
}

/** A report line: a known status, a message, and a fix when it failed. */
export function checkReportLine(line: Check, what: string): void {
  expect(statuses, `${what}: status`).toContain(line.status);
  expect(typeof line.message === 'string' && line.message.trim() !== '', `${what}: has a message`).toBe(true);
  if (line.status === 'fail') {
    expect(
      typeof line.fix === 'string' && line.fix.trim() !== '',
      `${what}: a failure says how to fix it`,
    ).toBe(true);
  }
}

/** The report is complete and coherent, whatever it found. */
export function checkTestReport(report: TestReport): void {
  expect(typeof report.ok, 'ok is a boolean').toBe('boolean');
  expect(isIsoDate(report.checkedAt), 'checkedAt is a date').toBe(true);
  checkReportLine(report.reachable, 'reachable');
  checkReportLine(report.target, 'target');
  const ids = report.capabilities.map((row) => row.id);
  expect(ids, 'one row per capability, in order').toEqual([...capabilityIds]);
  for (const row of report.capabilities) {
    checkReportLine(row, `capability ${row.id}`);
    expect(row.label.trim(), `capability ${row.id}: label`).not.toBe('');
  }
  if (report.identity) {
    expect(report.identity.id, 'identity id').toBeTruthy();
    expect(report.identity.login, 'identity login').toBeTruthy();
  }
  if (report.scopes) {
    const granted = new Set(report.scopes.granted);
    expect([...report.scopes.missing], 'missing = needed - granted').toEqual(
      report.scopes.needed.filter((scope) => !granted.has(scope)),
    );
  }
  if (report.tokenExpiry) {
    const { expiresAt, status, warning, fix } = report.tokenExpiry;
    expect(
      expiresAt === undefined
        ? status === 'skipped' && Boolean(warning)
        : expiresAt === null || isIsoDate(expiresAt),
      'tokenExpiry.expiresAt is a date, null, or absent with a skipped line that says why',
    ).toBe(true);
    if (status === 'warn' || status === 'fail')
      expect(warning, 'tokenExpiry: a warning says when').toBeTruthy();
    checkReportLine(
      { status, message: warning ?? 'no expiry warning', ...(fix === undefined ? {} : { fix }) },
      'tokenExpiry',
    );
  }
  expect({ ok: report.ok, status: report.status }, 'ok and status follow from the lines').toEqual(
    summarizeReport(report),
  );
}

/** A working connection: complete report, ok, the identity known. */
export function checkHealthyReport(report: TestReport): void {
  checkTestReport(report);
  expect(report.reachable.status, 'reachable').toBe('ok');
  expect(report.target.status, 'target visible').toBe('ok');
  expect(report.identity, 'identity').toBeDefined();
  expect(report.ok, 'ok').toBe(true);
}

/** A revoked token: the report still arrives, fails, and tells the admin what to do. */
export function checkRevokedReport(report: TestReport): void {
  checkTestReport(report);
  expect(report.ok, 'ok').toBe(false);
  const lines: Check[] = [report.reachable, report.target, ...report.capabilities];
  if (report.tokenExpiry) lines.push({ message: report.tokenExpiry.warning ?? '', ...report.tokenExpiry });
  expect(
    lines.some((line) => line.status === 'fail' && line.fix),
    'some line fails with a fix',
  ).toBe(true);
}

/** The call was refused as an authentication failure, with a fix. */
export function checkAuthRejection(error: unknown): void {
  expect(isScmError(error), `rejects with an ScmError (got ${String(error)})`).toBe(true);
  if (!isScmError(error)) return;
  expect(error.kind, 'error kind').toBe('auth');
  expect(error.fix, 'auth error has a fix').toBeTruthy();
}

export function checkOrganizations(
  organizations: readonly ScmOrganization[],
  expected: ContractExpectations,
): ScmOrganization {
  const ids = organizations.map((org) => org.externalId);
  expect(new Set(ids).size, 'organization ids are unique').toBe(ids.length);
  const org = organizations.find((candidate) => candidate.name === expected.organization);
  expect(org, `organization ${expected.organization} is listed`).toBeDefined();
  expect(org!.externalId, 'organization id').toBeTruthy();
  checkHttpUrl(org!.webUrl, 'organization webUrl');
  return org!;
}

/** Exactly the seeded repositories, each once, well formed. */
export function checkRepositories(
  repositories: readonly ScmRepository[],
  expected: ContractExpectations,
): void {
  expect(repositories.length, 'repository count').toBe(expected.repositoryCount);
  const ids = repositories.map((repo) => repo.externalId);
  expect(new Set(ids).size, 'repository ids are unique').toBe(ids.length);
  for (const repo of repositories) {
    expect(
      typeof repo.externalId === 'string' && repo.externalId !== '',
      `${repo.fullName}: externalId`,
    ).toBe(true);
    expect(repo.name, 'name').toBeTruthy();
    expect(repo.fullName, 'fullName').toBeTruthy();
    expect(['public', 'private', 'internal'], `${repo.fullName}: visibility`).toContain(repo.visibility);
    expect(typeof repo.archived, `${repo.fullName}: archived`).toBe('boolean');
    expect(repo.defaultBranch === null || typeof repo.defaultBranch === 'string', 'defaultBranch').toBe(true);
    checkHttpUrl(repo.webUrl, `${repo.fullName}: webUrl`);
  }
}

/** The known repository is there under its stable id with the seeded fields; the id is not its name. */
export function checkKnownRepository(
  repositories: readonly ScmRepository[],
  expected: ContractExpectations,
): ScmRepository {
  const { someRepository } = expected;
  const repo = repositories.find((candidate) => candidate.externalId === someRepository.externalId);
  expect(repo, `repository ${someRepository.externalId} is listed`).toBeDefined();
  expect(repo!.externalId, 'externalId is not the name').not.toBe(repo!.name);
  expect(repo!.externalId, 'externalId is not the full name').not.toBe(repo!.fullName);
  expect(repo).toMatchObject(someRepository);
  return repo!;
}

export function checkMembers(members: readonly ScmMember[], expected: ContractExpectations): void {
  if (expected.memberCount !== undefined) expect(members.length, 'member count').toBe(expected.memberCount);
  const ids = members.map((member) => member.externalId);
  expect(new Set(ids).size, 'members are listed once').toBe(ids.length);
  for (const member of members) {
    expect(member.externalId, 'member externalId').toBeTruthy();
    expect(member.login, 'member login').toBeTruthy();
    expect(['admin', 'member'], `${member.login}: role`).toContain(member.role);
    if (member.scmRole !== undefined) expect(member.scmRole, `${member.login}: scmRole`).toMatch(/^[a-z_]+$/);
  }
  if (expected.someMember) {
    expect(members.find((member) => member.login === expected.someMember!.login)).toMatchObject(
      expected.someMember,
    );
  }
}

/** A link to a file of the repository: http(s), on the repository's host, pinned to the commit; bad shas refused. */
export function checkFileUrl(provider: ScmProvider, repository: ScmRepository): void {
  const location = {
    repository: { fullName: repository.fullName },
    commitSha: contractCommitSha,
    path: 'src/main file.ts',
    startLine: 3,
    endLine: 5,
  };
  const url = checkHttpUrl(provider.fileUrl(location), 'fileUrl');
  expect(url.href, 'fileUrl pins the commit').toContain(contractCommitSha);
  expect(url.host, 'fileUrl points at the repository host').toBe(new URL(repository.webUrl).host);
  expect(url.href, 'fileUrl encodes the path').toContain('main%20file.ts');
  let refused: unknown;
  try {
    provider.fileUrl({ ...location, commitSha: 'main' });
  } catch (error) {
    refused = error;
  }
  expect(isScmError(refused) && refused.kind === 'invalid', 'fileUrl refuses a branch name as commit').toBe(
    true,
  );
}

/** Each capability flag matches the presence of its interface. */
export function checkCapabilityFlags(provider: ScmProvider): void {
  const { capabilities: flags } = provider;
  expect(flags.members, 'members flag').toBe(provider.members !== undefined);
  expect(flags.comments, 'comments flag').toBe(provider.comments !== undefined);
  expect(flags.ci, 'ci flag').toBe(provider.ci !== undefined);
  expect(flags.webhooks, 'webhooks flag').toBe(provider.webhooks !== undefined);
  expect(flags.files, 'files flag').toBe(provider.files !== undefined);
  const inline =
    typeof provider.comments?.createInlineComment === 'function' &&
    typeof provider.comments.listInlineComments === 'function';
  expect(flags.inlineComments, 'inlineComments flag').toBe(inline);
}

/** Requests made while taking only the first repository, and while taking all of them. */
export interface ListingRequests {
  readonly first: number;
  readonly all: number;
}

/** Counts twin requests for a first-item read and a full read (after a warm-up that fills token caches). */
export async function measureListing(
  provider: ScmProvider,
  org: ScmOrganization,
  twin: ContractFixture['twin'],
): Promise<ListingRequests> {
  await collect(provider.listRepositories(org));
  const before = twin.count();
  for await (const _repo of provider.listRepositories(org)) break;
  const first = twin.count() - before;
  const middle = twin.count();
  await collect(provider.listRepositories(org));
  return { first, all: twin.count() - middle };
}

/** Lazy listing: the first repository costs fewer requests than all of them. */
export function checkLazyListing(requests: ListingRequests): void {
  expect(requests.all, 'a full listing takes more than one request (seed more than a page)').toBeGreaterThan(
    1,
  );
  expect(requests.first, 'taking the first repository does not fetch every page').toBeLessThan(requests.all);
}

/** A provider with a revoked token: `testConnection` resolves with a failing report, listing rejects with `auth`. */
export async function checkRevokedProvider(broken: ScmProvider, org: ScmOrganizationRef): Promise<void> {
  checkRevokedReport(await broken.testConnection());
  let rejection: unknown;
  try {
    await collect(broken.listRepositories(org));
  } catch (error) {
    rejection = error;
  }
  checkAuthRejection(rejection);
}

/** A body no earlier run left behind, so that a listing finds exactly this comment. */
const uniqueBody = (what: string) => `<!-- scm-connect contract ${what} ${Date.now()}-${Math.random()} -->`;

const findById = (comments: readonly ScmComment[], id: string) => comments.filter((c) => c.id === id);

/**
 * Summary comments: one is created as the provider's own identity, listed once with that author, edited in
 * place (same id), deleted, and deleting it again still resolves.
 */
export async function checkCommentRoundTrip(
  commenter: PullRequestCommenter,
  pr: PullRequestRef,
): Promise<void> {
  const me = await commenter.identity();
  expect(me.id, 'comment identity id').toBeTruthy();
  const body = uniqueBody('summary');
  const created = await commenter.createComment(pr, body);
  expect(created.id, 'created comment id').toBeTruthy();
  expect(created.body, 'created comment body').toBe(body);
  expect(created.author.id, 'the comment is posted as the provider identity').toBe(me.id);

  const listed = findById(await collect(commenter.listComments(pr)), created.id);
  expect(listed.length, 'the new comment is listed once').toBe(1);
  expect(listed[0]!.author.id, 'listed with our identity as author').toBe(me.id);
  expect(listed[0]!.body, 'listed with its body').toBe(body);
  expect(listed[0]!.position, 'a summary comment has no position').toBeUndefined();

  const edited = `${body} edited`;
  const updated = await commenter.updateComment(pr, created, edited);
  expect(updated.id, 'an edit keeps the comment id').toBe(created.id);
  expect(updated.body, 'the edit is applied').toBe(edited);
  const afterEdit = findById(await collect(commenter.listComments(pr)), created.id);
  expect(
    afterEdit.map((c) => c.body),
    'the list shows the edit, not a second comment',
  ).toEqual([edited]);

  await commenter.deleteComment(pr, created);
  const afterDelete = findById(await collect(commenter.listComments(pr)), created.id);
  expect(afterDelete, 'the deleted comment is no longer listed').toEqual([]);
  await commenter.deleteComment(pr, created);
}

/**
 * Inline comments: one on a diff line is created as our identity, listed with its position, edited and deleted
 * with the shared methods; a line outside the diff is refused with ScmError kind `invalid`.
 */
export async function checkInlineComments(
  commenter: PullRequestCommenter,
  pullRequest: ContractPullRequest,
): Promise<void> {
  const { ref: pr, inline, offDiffLine } = pullRequest;
  expect(commenter.createInlineComment && commenter.listInlineComments, 'inline methods').toBeTruthy();
  expect(inline, 'the fixture names a diff line for inline comments').toBeDefined();
  expect(offDiffLine, 'the fixture names a line outside the diff').toBeDefined();
  const me = await commenter.identity();
  const body = uniqueBody('inline');
  const created = await commenter.createInlineComment!(pr, inline!, body);
  expect(created.author.id, 'the inline comment is posted as the provider identity').toBe(me.id);
  expect(created.position, 'created at its position').toMatchObject({
    path: inline!.path,
    line: inline!.line,
  });

  const listed = findById(await collect(commenter.listInlineComments!(pr)), created.id);
  expect(listed.length, 'the inline comment is listed once').toBe(1);
  expect(listed[0]!.author.id, 'listed with our identity as author').toBe(me.id);
  expect(listed[0]!.position, 'listed with its position').toMatchObject({
    path: inline!.path,
    line: inline!.line,
  });
  const summaries = findById(await collect(commenter.listComments(pr)), created.id);
  expect(summaries, 'an inline comment is not listed as a summary comment').toEqual([]);

  const updated = await commenter.updateComment(pr, listed[0]!, `${body} edited`);
  expect([updated.id, updated.body], 'an inline comment is edited in place').toEqual([
    created.id,
    `${body} edited`,
  ]);
  await commenter.deleteComment(pr, listed[0]!);
  const afterDelete = findById(await collect(commenter.listInlineComments!(pr)), created.id);
  expect(afterDelete, 'the deleted inline comment is no longer listed').toEqual([]);

  let refusal: unknown;
  try {
    await commenter.createInlineComment!(pr, { ...inline!, line: offDiffLine! }, uniqueBody('off-diff'));
  } catch (error) {
    refusal = error;
  }
  expect(
    isScmError(refusal) && refusal.kind === 'invalid',
    `a line outside the diff is refused as invalid (got ${String(refusal)})`,
  ).toBe(true);
}

/**
 * CI files: the first call opens a pull request, calling again changes nothing and names the same pull request,
 * new content updates that pull request rather than opening a second one.
 */
export async function checkCiJob(ci: CiWriter, repository: ContractCiRepository): Promise<void> {
  const run = `${Date.now()}`;
  const template: CiTemplate = {
    path: '.github/workflows/contract-scan.yml',
    content: `name: scan\non: [pull_request]\n# ${run}\n`,
    branch: `scanner/contract-${run}`,
    commitMessage: 'Add the scanner CI job',
    pullRequest: { title: 'Add code scanning', description: 'Adds the scanner CI job.' },
  };
  const opened = await ci.ensureCiJob(repository, template);
  expect(opened.outcome, 'the first call opens a pull request').toBe('opened');
  expect(opened.pullRequest?.number, 'the pull request number').toBeGreaterThan(0);
  checkHttpUrl(opened.pullRequest!.webUrl, 'pull request webUrl');

  const again = await ci.ensureCiJob(repository, template);
  expect(again.outcome, 'a second call with the same content changes nothing').toBe('unchanged');
  expect(again.pullRequest?.number, 'and names the same pull request').toBe(opened.pullRequest!.number);

  const changed = await ci.ensureCiJob(repository, { ...template, content: `${template.content}# v2\n` });
  expect(changed.outcome, 'new content updates the open pull request').toBe('updated');
  expect(changed.pullRequest?.number, 'the same pull request, not a second one').toBe(
    opened.pullRequest!.number,
  );
}

const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return undefined;
};

/**
 * Files at a commit: the seeded file comes with its content and git's blob id of it, the same id on a second
 * read; a missing path (and a directory) is undefined; `../x` is refused as `invalid` before any request; an
 * unknown commit rejects `not-found`.
 */
export async function checkFileReads(
  files: FileReader,
  file: ContractFile,
  twin: ContractFixture['twin'],
): Promise<void> {
  const { repository, commitSha, path } = file;
  const first = await files.readFile(repository, commitSha, path);
  expect(first, `${path} is read at ${commitSha}`).toBeDefined();
  expect(Buffer.isBuffer(first!.content), 'the content is a Buffer').toBe(true);
  expect(first!.content.toString('utf8'), 'the file has its content').toBe(file.content);
  expect(first!.blobId, 'the file has a blob id').toMatch(/\S/);
  expect(first!.blobId, "the blob id is git's blob id of the content").toBe(gitBlobId(first!.content));
  const again = await files.readFile(repository, commitSha, path);
  expect(again?.blobId, 'a second read gives the same blob id').toBe(first!.blobId);

  const missing = `${path}.missing-${Date.now()}`;
  expect(await files.readFile(repository, commitSha, missing), 'a missing path is undefined').toBeUndefined();
  if (file.directory !== undefined) {
    expect(
      await files.readFile(repository, commitSha, file.directory),
      'a directory is not a file',
    ).toBeUndefined();
  }

  const before = twin.count();
  const escape = await rejectionOf(files.readFile(repository, commitSha, '../x'));
  expect(
    isScmError(escape) && escape.kind === 'invalid',
    `a path out of the repository is refused as invalid (got ${String(escape)})`,
  ).toBe(true);
  expect(twin.count(), 'the path is refused before any request').toBe(before);

  const unknown = await rejectionOf(files.readFile(repository, contractCommitSha, path));
  expect(
    isScmError(unknown) && unknown.kind === 'not-found',
    `an unknown commit rejects not-found (got ${String(unknown)})`,
  ).toBe(true);
}

export function runProviderContract(name: string, setup: () => Promise<ContractFixture>): void {
  describe(`provider contract: ${name}`, () => {
    let fixture: ContractFixture | undefined;
    let organization: ScmOrganization | undefined;
    const current = (): ContractFixture => {
      if (!fixture) throw new Error('the contract fixture did not set up');
      return fixture;
    };
    const org = async (): Promise<ScmOrganization> => {
      const { provider, expected } = current();
      organization ??= checkOrganizations(await collect(provider.listOrganizations()), expected);
      return organization;
    };

    beforeAll(async () => {
      fixture = await setup();
    });
    afterAll(async () => {
      await fixture?.teardown();
    });

    it('declares capability flags that match its interfaces', () => {
      checkCapabilityFlags(current().provider);
    });

    it('testConnection returns a complete report with every capability row, ok', async () => {
      checkHealthyReport(await current().provider.testConnection());
    });

    it('lists the organization of the connection', async () => {
      await org();
    });

    it('lists every repository once, with stable ids and http(s) links', async () => {
      const { provider, expected } = current();
      const first = await collect(provider.listRepositories(await org()));
      checkRepositories(first, expected);
      const again = await collect(provider.listRepositories(await org()));
      expect(again.map((repo) => repo.externalId).sort(), 'ids are stable across listings').toEqual(
        first.map((repo) => repo.externalId).sort(),
      );
    });

    it('reports the known repository with its fields', async () => {
      const { provider, expected } = current();
      checkKnownRepository(await collect(provider.listRepositories(await org())), expected);
    });

    it('lists members with roles, when it reads members', async (context) => {
      const { provider, expected } = current();
      if (!provider.members) {
        expect(expected.memberCount, 'a provider without members expects none').toBeUndefined();
        context.skip();
        return;
      }
      checkMembers(await collect(provider.members.listMembers(await org())), expected);
    });

    it('checks one member live by id, when it can manage membership', async (context) => {
      const { provider, expected } = current();
      const members = provider.members;
      if (!members?.checkMember || !expected.someMember) {
        context.skip();
        return;
      }
      const listed = (await collect(members.listMembers(await org()))).find(
        (member) => member.login === expected.someMember!.login,
      )!;
      const person = { externalId: listed.externalId, login: listed.login };
      expect(await members.checkMember(await org(), person)).toMatchObject({
        externalId: listed.externalId,
        role: listed.role,
        scmRole: listed.scmRole,
      });
      // The login now names someone else (or the id was never a member): not a member.
      expect(await members.checkMember(await org(), { ...person, externalId: '987654321' })).toBeUndefined();
    });

    it('builds commit-pinned http(s) file links for a listed repository', async () => {
      const { provider, expected } = current();
      const repo = checkKnownRepository(await collect(provider.listRepositories(await org())), expected);
      checkFileUrl(provider, repo);
    });

    it('lists lazily: taking the first repository does not fetch every page', async () => {
      const { provider, twin } = current();
      checkLazyListing(await measureListing(provider, await org(), twin));
    });

    it('comments on a pull request as its own identity, when it comments', async (context) => {
      const { provider, pullRequest } = current();
      if (!provider.comments) {
        context.skip();
        return;
      }
      expect(pullRequest, 'a provider that comments gives a pull request to comment on').toBeDefined();
      await checkCommentRoundTrip(provider.comments, pullRequest!.ref);
    });

    it('comments on a diff line and refuses a line outside the diff, when it comments inline', async (context) => {
      const { provider, pullRequest } = current();
      if (!provider.comments || !provider.capabilities.inlineComments) {
        context.skip();
        return;
      }
      expect(pullRequest, 'a provider that comments gives a pull request to comment on').toBeDefined();
      await checkInlineComments(provider.comments, pullRequest!);
    });

    it('offers what the comment reconciler relies on (diff, threads, status, write access), when it comments', async (context) => {
      const { provider, commenter } = current();
      if (!provider.comments) {
        context.skip();
        return;
      }
      expect(commenter, 'a provider that comments gives a commenter fixture').toBeDefined();
      await checkPullRequestCommenter(provider.comments, commenter!);
    });

    it('adds a CI job through one pull request, idempotently, when it writes CI files', async (context) => {
      const { provider, ciRepository } = current();
      if (!provider.ci) {
        context.skip();
        return;
      }
      expect(ciRepository, 'a provider that writes CI files gives a repository for it').toBeDefined();
      await checkCiJob(provider.ci, ciRepository!);
    });

    it('reads a file at a commit, when it reads files', async (context) => {
      const { provider, file, twin } = current();
      if (!provider.files) {
        context.skip();
        return;
      }
      expect(file, 'a provider that reads files gives a file to read').toBeDefined();
      await checkFileReads(provider.files, file!, twin);
    });

    it('with a revoked token, reports the failure with a fix and refuses to list', async () => {
      await checkRevokedProvider(await current().breakToken(), await org());
    });
  });
}
