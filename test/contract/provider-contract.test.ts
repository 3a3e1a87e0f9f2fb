import { describe, expect, it } from 'vitest';
import { ScmError } from '../../src/scm/errors.js';
import { checkFileTarget, gitBlobId } from '../../src/scm/files.js';
import { createLinkBuilder } from '../../src/scm/links/index.js';
import { checkPullRequestCommenter, type CommenterFixture } from './comment-contract.js';
import {
  buildTestReport,
  type Check,
  type CiWriter,
  type FileReader,
  type PullRequestCommenter,
  type ScmComment,
  type ScmMember,
  type ScmOrganization,
  type ScmProvider,
  type ScmRepository,
  type TestReport,
} from '../../src/scm/provider.js';
import {
  checkAuthRejection,
  checkCapabilityFlags,
  checkCiJob,
  checkCommentRoundTrip,
  checkFileReads,
  checkFileUrl,
  checkInlineComments,
  checkHealthyReport,
  checkKnownRepository,
  checkLazyListing,
  checkMembers,
  checkRepositories,
  checkRevokedProvider,
  checkRevokedReport,
  checkTestReport,
  collect,
  measureListing,
  runProviderContract,
  type ContractExpectations,
  type ContractFile,
} from './provider-contract.js';

/*
 * FAKE SCM and FAKE provider: an in-memory stand-in used only to exercise the contract suite itself (no SCM
 * adapter exists yet). `defects` turn it into the broken providers the suite must catch.
 */

interface FakeDefects {
  /** Fetches every page before yielding the first repository. */
  readonly eagerListing?: boolean;
  /** Uses the repository name as its id. */
  readonly nameAsId?: boolean;
  /** Repeats the first page. */
  readonly duplicatePage?: boolean;
  /** With a revoked token, testConnection rejects instead of reporting. */
  readonly throwOnRevoked?: boolean;
  /** With a revoked token, listing yields nothing instead of rejecting. */
  readonly swallowAuth?: boolean;
  /** Links to the default branch instead of the commit. */
  readonly branchLinks?: boolean;
}

interface FileDefects {
  /** A new blob id on every read. */
  readonly unstableBlobId?: boolean;
  /** Rejects not-found for a missing path instead of resolving undefined. */
  readonly missingRejects?: boolean;
  /** Sends `../x` to the SCM (which finds no such file) instead of refusing it. */
  readonly sendsDotDot?: boolean;
  /** Reads any commit as the default branch's. */
  readonly ignoresCommit?: boolean;
}

const fakeWeb = 'https://scm.fake.test';
const pageSize = 3;

function createFakeScm() {
  const log: string[] = [];
  const revoked = new Set<string>();
  const repositories: ScmRepository[] = Array.from({ length: 7 }, (_, i) => ({
    externalId: String(1000 + i),
    name: `service-${i}`,
    fullName: `acme/service-${i}`,
    defaultBranch: i === 6 ? null : 'main',
    visibility: i % 2 === 0 ? 'private' : 'internal',
    archived: i === 5,
    webUrl: `${fakeWeb}/acme/service-${i}`,
  }));
  const members: ScmMember[] = [
    { externalId: '1', login: 'alice', name: 'Alice', role: 'admin' },
    { externalId: '2', login: 'bob', role: 'member' },
  ];
  return {
    log,
    revoked,
    repositories,
    members,
    count: (prefix = '/') => log.filter((path) => path.startsWith(prefix)).length,
  };
}

type FakeScm = ReturnType<typeof createFakeScm>;

/** The one commit of `acme/service-0` and its files. */
const fakeCommit = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const fakeFiles = new Map([['src/app.js', 'console.log("hello");\n']]);
const fakeFile: ContractFile = {
  repository: { externalId: '1000', fullName: 'acme/service-0' },
  commitSha: fakeCommit,
  path: 'src/app.js',
  content: fakeFiles.get('src/app.js')!,
  directory: 'src',
};

/** FAKE file reader over `fakeFiles`; `defects` make the broken readers the suite must catch. */
function createFakeFileReader(scm: FakeScm, defects: FileDefects = {}): FileReader {
  let reads = 0;
  return {
    async readFile(repository, commitSha, path) {
      if (!defects.sendsDotDot) checkFileTarget(commitSha, path);
      scm.log.push(`/repos/${repository.fullName}/contents/${path}?ref=${commitSha}`);
      if (commitSha !== fakeCommit && !defects.ignoresCommit) {
        throw new ScmError('not-found', 'No such commit.', { code: 'commit_not_found' });
      }
      const text = fakeFiles.get(path);
      if (text === undefined) {
        if (defects.missingRejects) throw new ScmError('not-found', 'No such file.');
        return undefined;
      }
      const content = Buffer.from(text);
      reads += 1;
      return {
        content,
        blobId: defects.unstableBlobId ? `${gitBlobId(content)}-${reads}` : gitBlobId(content),
      };
    },
  };
}

function createFakeProvider(scm: FakeScm, token: string, defects: FakeDefects = {}): ScmProvider {
  const request = (path: string): void => {
    scm.log.push(path);
    if (scm.revoked.has(token)) {
      throw new ScmError('auth', 'The SCM refused the token.', {
        status: 401,
        fix: 'Create a new token and update the connection.',
      });
    }
  };
  const page = (org: string, n: number): ScmRepository[] => {
    request(`/orgs/${org}/repos?page=${n}`);
    const repos = scm.repositories.slice((n - 1) * pageSize, n * pageSize);
    return defects.nameAsId ? repos.map((repo) => ({ ...repo, externalId: repo.name })) : repos;
  };
  const links = createLinkBuilder('github', { webUrl: fakeWeb });
  const ok = (message: string): Check => ({ status: 'ok', message });
  const fail: Check = { status: 'fail', message: 'The token was refused.', fix: 'Create a new token.' };

  return {
    kind: 'github',
    capabilities: {
      members: true,
      comments: false,
      inlineComments: false,
      ci: false,
      webhooks: false,
      files: true,
    },
    files: createFakeFileReader(scm),
    async testConnection(): Promise<TestReport> {
      const now = new Date('2026-05-01T00:00:00Z');
      try {
        request('/user');
      } catch (error) {
        if (defects.throwOnRevoked) throw error;
        const capabilities = { 'list-repositories': fail, 'read-members': fail };
        const skipped: Check = { status: 'skipped', message: 'Not offered.' };
        return buildTestReport(
          {
            reachable: ok('The SCM answered.'),
            scopes: undefined,
            target: fail,
            capabilities: {
              ...capabilities,
              'comment-on-pull-requests': skipped,
              'receive-webhooks': skipped,
              'write-ci-files': skipped,
            },
          },
          now,
        );
      }
      const skipped: Check = { status: 'skipped', message: 'Not offered by this fake.' };
      return buildTestReport(
        {
          reachable: ok('The SCM answered.'),
          identity: { id: '42', login: 'scanner-bot' },
          scopes: { granted: ['repo', 'read:org'], needed: ['repo', 'read:org'], missing: [] },
          target: ok('Organization acme is visible.'),
          capabilities: {
            'list-repositories': ok('Repositories can be listed.'),
            'read-members': ok('Members can be read.'),
            'comment-on-pull-requests': skipped,
            'receive-webhooks': skipped,
            'write-ci-files': skipped,
          },
        },
        now,
      );
    },
    async *listOrganizations(): AsyncIterable<ScmOrganization> {
      request('/orgs');
      yield { externalId: '100', name: 'acme', webUrl: `${fakeWeb}/acme` };
    },
    async *listRepositories(org): AsyncIterable<ScmRepository> {
      try {
        const pages: ScmRepository[][] = [];
        for (let n = 1; ; n++) {
          const repos = page(org.name, n);
          if (defects.eagerListing) pages.push(repos);
          else yield* repos;
          if (defects.duplicatePage && n === 1) yield* repos;
          if (repos.length < pageSize) break;
        }
        for (const repos of pages) yield* repos;
      } catch (error) {
        if (!defects.swallowAuth) throw error;
      }
    },
    members: {
      async *listMembers(org): AsyncIterable<ScmMember> {
        request(`/orgs/${org.name}/members`);
        yield* scm.members;
      },
    },
    fileUrl: (location) =>
      defects.branchLinks
        ? `${fakeWeb}/${'fullName' in location.repository ? location.repository.fullName : ''}/blob/main/${location.path}`
        : links.fileUrl(location),
  };
}

const expected: ContractExpectations = {
  organization: 'acme',
  repositoryCount: 7,
  someRepository: { externalId: '1005', name: 'service-5', defaultBranch: 'main', archived: true },
  memberCount: 2,
  someMember: { login: 'alice', role: 'admin' },
};

function fakeFixture(defects: FakeDefects = {}) {
  const scm = createFakeScm();
  return {
    scm,
    provider: createFakeProvider(scm, 'good-token', defects),
    breakToken: async () => {
      scm.revoked.add('revoked-token');
      return createFakeProvider(scm, 'revoked-token', defects);
    },
  };
}

runProviderContract('in-memory fake provider', async () => {
  const { scm, provider, breakToken } = fakeFixture();
  return {
    provider,
    expected,
    file: fakeFile,
    breakToken,
    twin: { count: scm.count },
    teardown: async () => {},
  };
});

const failing: Check = { status: 'fail', message: 'Refused.', fix: 'Grant it.' };
const acme: ScmOrganization = { externalId: '100', name: 'acme', webUrl: `${fakeWeb}/acme` };

describe('the contract suite catches a broken provider', () => {
  const healthyReport = () => fakeFixture().provider.testConnection();
  const revokedReport = async () => (await fakeFixture().breakToken()).testConnection();

  it('a report missing a capability row', async () => {
    const report = await healthyReport();
    const broken = {
      ...report,
      capabilities: report.capabilities.filter((row) => row.id !== 'write-ci-files'),
    };
    expect(() => checkTestReport(broken)).toThrow(/one row per capability/);
  });

  it('a report that claims ok while a capability fails', async () => {
    const report = await healthyReport();
    const capabilities = report.capabilities.map((row, i) => (i === 0 ? { ...row, ...failing } : row));
    expect(() => checkTestReport({ ...report, capabilities })).toThrow(/ok and status/);
  });

  it('a failure without a fix', async () => {
    const report = await revokedReport();
    expect(() => checkTestReport({ ...report, target: { status: 'fail', message: 'Refused.' } })).toThrow(
      /fix/,
    );
  });

  it('missing scopes that do not add up', async () => {
    const report = await healthyReport();
    const scopes = { granted: ['repo'], needed: ['repo', 'read:org'], missing: [] };
    expect(() => checkTestReport({ ...report, scopes })).toThrow(/missing = needed - granted/);
  });

  it('a revoked token reported as healthy, or a healthy one as revoked', async () => {
    const revoked = await revokedReport();
    checkRevokedReport(revoked);
    expect(() => checkHealthyReport(revoked)).toThrow(/target visible/);
    const healthy = await healthyReport();
    checkHealthyReport(healthy);
    expect(() => checkRevokedReport(healthy)).toThrow(/ok/);
  });

  it('duplicate repositories, a wrong count or a javascript: link', async () => {
    const { provider } = fakeFixture({ duplicatePage: true });
    const repos = await collect(provider.listRepositories(acme));
    expect(() => checkRepositories(repos, { ...expected, repositoryCount: repos.length })).toThrow(/unique/);
    const good = await collect(fakeFixture().provider.listRepositories(acme));
    expect(() => checkRepositories(good, { ...expected, repositoryCount: 8 })).toThrow(/repository count/);
    const evil = good.map((repo, i) => (i === 0 ? { ...repo, webUrl: 'javascript:alert(1)' } : repo));
    expect(() => checkRepositories(evil, expected)).toThrow(/http\(s\)/);
  });

  it('the name used as the stable id, or a wrong field', async () => {
    const byName = await collect(fakeFixture({ nameAsId: true }).provider.listRepositories(acme));
    const nameExpected = {
      ...expected,
      someRepository: { ...expected.someRepository, externalId: 'service-5' },
    };
    expect(() => checkKnownRepository(byName, nameExpected)).toThrow(/not the name/);
    const good = await collect(fakeFixture().provider.listRepositories(acme));
    const wrongBranch = {
      ...expected,
      someRepository: { ...expected.someRepository, defaultBranch: 'develop' },
    };
    expect(() => checkKnownRepository(good, wrongBranch)).toThrow();
  });

  it('members listed twice or with an unknown role', () => {
    const alice: ScmMember = { externalId: '1', login: 'alice', role: 'admin' };
    expect(() => checkMembers([alice, alice], { ...expected, memberCount: 2 })).toThrow(/once/);
    const owner = { ...alice, role: 'owner' } as unknown as ScmMember;
    expect(() => checkMembers([owner], { ...expected, memberCount: 1, someMember: undefined })).toThrow(
      /role/,
    );
  });

  it('a file link that is not pinned to the commit', async () => {
    const repo = (await collect(fakeFixture().provider.listRepositories(acme)))[0]!;
    expect(() => checkFileUrl(fakeFixture({ branchLinks: true }).provider, repo)).toThrow(/pins the commit/);
    checkFileUrl(fakeFixture().provider, repo);
  });

  it('a listing that fetches every page before yielding', async () => {
    const { scm, provider } = fakeFixture({ eagerListing: true });
    const requests = await measureListing(provider, acme, { count: scm.count });
    expect(requests.first).toBe(requests.all);
    expect(() => checkLazyListing(requests)).toThrow(/does not fetch every page/);
    expect(() => checkLazyListing({ first: 1, all: 1 })).toThrow(/more than one request/);
  });

  it('a revoked token that makes testConnection reject, or listing succeed', async () => {
    await expect(
      checkRevokedProvider(await fakeFixture({ throwOnRevoked: true }).breakToken(), acme),
    ).rejects.toThrow(ScmError);
    await expect(
      checkRevokedProvider(await fakeFixture({ swallowAuth: true }).breakToken(), acme),
    ).rejects.toThrow(/ScmError/);
  });

  it('a rejection of the wrong kind, or without a fix', () => {
    expect(() => checkAuthRejection(new ScmError('forbidden', 'No.', { fix: 'Ask.' }))).toThrow(/error kind/);
    expect(() => checkAuthRejection(new ScmError('auth', 'No.'))).toThrow(/fix/);
    expect(() => checkAuthRejection(new Error('401'))).toThrow(/ScmError/);
    checkAuthRejection(new ScmError('auth', 'No.', { fix: 'Create a new token.' }));
  });

  it('a file reader whose blob id changes, that rejects a missing file, sends `..`, or ignores the commit', async () => {
    const { scm } = fakeFixture();
    const twin = { count: scm.count };
    await checkFileReads(createFakeFileReader(scm), fakeFile, twin);
    await expect(
      checkFileReads(createFakeFileReader(scm, { unstableBlobId: true }), fakeFile, twin),
    ).rejects.toThrow(/git's blob id|same blob id/);
    await expect(
      checkFileReads(createFakeFileReader(scm, { missingRejects: true }), fakeFile, twin),
    ).rejects.toThrow(/No such file/);
    await expect(
      checkFileReads(createFakeFileReader(scm, { sendsDotDot: true }), fakeFile, twin),
    ).rejects.toThrow(/refused as invalid/);
    await expect(
      checkFileReads(createFakeFileReader(scm, { ignoresCommit: true }), fakeFile, twin),
    ).rejects.toThrow(/unknown commit rejects not-found/);
    await expect(
      checkFileReads(createFakeFileReader(scm), { ...fakeFile, content: 'other' }, twin),
    ).rejects.toThrow(/its content/);
  });

  it('capability flags that do not match the interfaces', () => {
    const provider = fakeFixture().provider;
    expect(() => checkCapabilityFlags({ ...provider, members: undefined })).toThrow(/members flag/);
    expect(() => checkCapabilityFlags({ ...provider, files: undefined })).toThrow(/files flag/);
    expect(() =>
      checkCapabilityFlags({ ...provider, capabilities: { ...provider.capabilities, inlineComments: true } }),
    ).toThrow(/inlineComments flag/);
  });
});

interface CommenterDefects {
  /** Posts as an account other than the one `identity()` names. */
  readonly postsAsOther?: boolean;
  /** An edit posts a new comment instead of changing the old one. */
  readonly editCreatesNew?: boolean;
  /** Accepts an inline comment on any line. */
  readonly acceptsOffDiff?: boolean;
  /** Lists replies as thread roots of their own. */
  readonly repliesAsRoots?: boolean;
  /** `resolveComment` answers but the thread stays as it was. */
  readonly resolveIgnored?: boolean;
  /** Says everyone may write. */
  readonly everyoneWrites?: boolean;
  /** The diff leaves out the changed line. */
  readonly diffMissesLine?: boolean;
}

const fakeHead = '0123456789abcdef0123456789abcdef01234567';

/** FAKE pull request: comments in memory; line 3 of `src/app.js` is the only diff line. */
function createFakeCommenter(defects: CommenterDefects = {}): PullRequestCommenter {
  const me = { id: '42', login: 'scanner-bot' };
  const comments: (ScmComment & { parentId?: string })[] = [];
  let next = 1;
  const add = (body: string, position?: ScmComment['position'], parentId?: string): ScmComment => {
    const author = defects.postsAsOther ? { id: '7', login: 'someone' } : me;
    const comment = {
      id: String(next++),
      body,
      author,
      ...(position ? { position, resolved: false } : {}),
      ...(parentId ? { parentId } : {}),
    };
    comments.push(comment);
    return comment;
  };
  const roots = () => comments.filter((c) => defects.repliesAsRoots || c.parentId === undefined);
  const withReplies = (c: ScmComment) => ({
    ...c,
    replyCount: comments.filter((reply) => reply.parentId === c.id).length,
  });
  return {
    format: { hiddenMarker: (text) => `<!-- ${text} -->`, maxBodyLength: 65_536 },
    identity: async () => me,
    async *listComments() {
      yield* roots()
        .filter((c) => !c.position)
        .map(withReplies);
    },
    async *listInlineComments() {
      yield* roots()
        .filter((c) => c.position)
        .map(withReplies);
    },
    createComment: async (_pr, body) => add(body),
    async updateComment(_pr, ref, body) {
      const found = comments.find((c) => c.id === ref.id)!;
      if (defects.editCreatesNew) return add(body, found.position);
      const updated = { ...found, body };
      comments.splice(comments.indexOf(found), 1, updated);
      return updated;
    },
    async deleteComment(_pr, ref) {
      const index = comments.findIndex((c) => c.id === ref.id);
      if (index >= 0) comments.splice(index, 1);
    },
    async createInlineComment(_pr, position, body) {
      if (!defects.acceptsOffDiff && (position.path !== 'src/app.js' || position.line !== 3)) {
        throw new ScmError('invalid', 'Not a line of the diff.');
      }
      return add(body, position);
    },
    pullRequestDiff: async () => ({
      headSha: fakeHead,
      baseSha: 'fedcba9876543210fedcba9876543210fedcba98',
      state: 'open',
      files: [{ path: 'src/app.js', commentable: defects.diffMissesLine ? [] : [{ start: 3, end: 3 }] }],
    }),
    async resolveComment(_pr, ref, resolved) {
      const index = comments.findIndex((c) => c.id === ref.id);
      if (index >= 0 && !defects.resolveIgnored) comments[index] = { ...comments[index]!, resolved };
    },
    replyToComment: async (_pr, ref, body) => add(body, undefined, ref.id),
    setCommitStatus: async () => undefined,
    canWrite: async (_repository, user) => defects.everyoneWrites === true || user.id === '100',
  };
}

/** FAKE CI writer: one branch per template; `reopens` opens a new pull request on every call. */
function createFakeCiWriter(reopens = false): CiWriter {
  const branches = new Map<string, { content: string; number: number }>();
  let next = 1;
  return {
    system: 'github-actions',
    readCiFile: async () => undefined,
    commitCiFile: async () => ({ outcome: 'present' }),
    async ensureCiJob(_repository, template) {
      const pr = (number: number) => ({ number, webUrl: `${fakeWeb}/acme/web/pull/${number}` });
      const found = branches.get(template.branch);
      if (!found || reopens) {
        branches.set(template.branch, { content: template.content, number: next });
        return { outcome: 'opened', pullRequest: pr(next++) };
      }
      const changed = found.content !== template.content;
      found.content = template.content;
      return { outcome: changed ? 'updated' : 'unchanged', pullRequest: pr(found.number) };
    },
  };
}

describe('the contract suite catches a broken commenter or CI writer', () => {
  const pr = { repository: { externalId: '1', fullName: 'acme/web' }, number: 1 };
  const pullRequest = {
    ref: pr,
    inline: { path: 'src/app.js', line: 3, commitSha: '0123456789abcdef0123456789abcdef01234567' },
    offDiffLine: 40,
  };
  const repository = { externalId: '1', fullName: 'acme/web', defaultBranch: 'main' };
  const commenterFixture: CommenterFixture = {
    ref: pr,
    inline: pullRequest.inline,
    offDiff: { ...pullRequest.inline, line: 40 },
    people: { writer: { id: '100', login: 'writer' }, reader: { id: '101', login: 'reader' } },
  };

  it('a working fake passes', async () => {
    await checkCommentRoundTrip(createFakeCommenter(), pr);
    await checkInlineComments(createFakeCommenter(), pullRequest);
    await checkPullRequestCommenter(createFakeCommenter(), commenterFixture);
    await checkCiJob(createFakeCiWriter(), repository);
  });

  it('replies listed as threads of their own', async () => {
    await expect(
      checkPullRequestCommenter(createFakeCommenter({ repliesAsRoots: true }), commenterFixture),
    ).rejects.toThrow(/not a summary comment|is counted|listed once/);
  });

  it('a resolve that changes nothing', async () => {
    await expect(
      checkPullRequestCommenter(createFakeCommenter({ resolveIgnored: true }), commenterFixture),
    ).rejects.toThrow(/resolved/);
  });

  it('write access granted to a reader', async () => {
    await expect(
      checkPullRequestCommenter(createFakeCommenter({ everyoneWrites: true }), commenterFixture),
    ).rejects.toThrow(/reader may not write/);
  });

  it('a diff without the changed line', async () => {
    await expect(
      checkPullRequestCommenter(createFakeCommenter({ diffMissesLine: true }), commenterFixture),
    ).rejects.toThrow(/diff line is commentable/);
  });

  it('comments posted as another account', async () => {
    await expect(checkCommentRoundTrip(createFakeCommenter({ postsAsOther: true }), pr)).rejects.toThrow(
      /provider identity/,
    );
  });

  it('an edit that adds a second comment', async () => {
    await expect(checkCommentRoundTrip(createFakeCommenter({ editCreatesNew: true }), pr)).rejects.toThrow(
      /keeps the comment id/,
    );
  });

  it('an inline comment accepted outside the diff', async () => {
    await expect(
      checkInlineComments(createFakeCommenter({ acceptsOffDiff: true }), pullRequest),
    ).rejects.toThrow(/outside the diff/);
  });

  it('a CI writer that opens a pull request on every run', async () => {
    await expect(checkCiJob(createFakeCiWriter(true), repository)).rejects.toThrow(/changes nothing/);
  });
});
