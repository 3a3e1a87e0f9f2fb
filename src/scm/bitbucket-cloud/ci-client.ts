import { z, type ZodType } from 'zod';
import { ScmError } from '../errors.js';
import {
  requestOrRefusal,
  type AnswerReader,
  type RefusableAnswer,
  type ScmHttp,
  type ScmRequest,
} from '../http/index.js';
import { bitbucketPageSize, type BitbucketRepoPath } from './client.js';
import { bbqlString } from './ci-query.js';
import { errorSchema, type BitbucketErrorBody } from './schemas.js';

/** A refusal as the CI calls read it: the error body, and the key Bitbucket files some refusals under. */
export interface CiRefusal extends BitbucketErrorBody {
  /** `error.data.key` (or the top-level `data.key`): `BRANCH_PERMISSION_VIOLATED` for a branch restriction. */
  readonly key: string | undefined;
}

export type CiAnswer<T> = RefusableAnswer<T, CiRefusal>;
export type CiRefused = Extract<CiAnswer<unknown>, { ok: false }>;

const keyed = z.object({ data: z.object({ key: z.string() }).nullish() });
const refusalKeySchema = z.object({
  data: z.object({ key: z.string() }).nullish(),
  error: keyed.nullish(),
});

/** `branch` (`GET/POST …/refs/branches`), as far as it is read. */
const branchSchema = z.object({ name: z.string(), target: z.object({ hash: z.string().min(7) }) });

/** `pullrequest`, as far as finding and naming ours reads it. */
const ciPullRequestSchema = z.object({
  id: z.number().int().positive(),
  state: z.string().nullish(),
  source: z.object({
    branch: z.object({ name: z.string() }).nullish(),
    repository: z.object({ full_name: z.string().nullish() }).nullish(),
  }),
  links: z.object({ html: z.object({ href: z.string() }).nullish() }).nullish(),
});
export type CiPullRequest = z.output<typeof ciPullRequestSchema>;

/** `pipelines_config`. */
const pipelinesConfigSchema = z.object({ enabled: z.boolean().nullish() });

/** `pipeline_variable`; a secured one comes without `value`. */
const variableSchema = z.object({ uuid: z.string().min(1), key: z.string(), secured: z.boolean().nullish() });
export type CiVariable = z.output<typeof variableSchema>;

const repositoryBranchSchema = z.object({ mainbranch: z.object({ name: z.string().min(1) }).nullish() });

/** What a commit through "Create a commit by uploading a file" sends. */
export interface CiCommit {
  readonly branch: string;
  readonly message: string;
  /** Repository-relative path, `/`-separated. */
  readonly path: string;
  readonly content: Buffer;
  /** The branch's head the commit must go on top of (Bitbucket answers 409 when the branch moved). */
  readonly parent: string;
}

export interface CiPullRequestBody {
  readonly title: string;
  readonly description: string;
  readonly source: { readonly branch: { readonly name: string } };
  readonly destination: { readonly branch: { readonly name: string } };
  readonly close_source_branch: boolean;
}

/** The calls of Pipelines files, branches, pull requests, Pipelines settings and variables. */
export interface BitbucketCiClient {
  /** The repository's main branch, or null when it has none (an empty repository). */
  mainBranch(repo: BitbucketRepoPath): Promise<CiAnswer<string | null>>;
  /** The commit a branch points at (a 404 is a refusal: no such branch). */
  branchHead(repo: BitbucketRepoPath, branch: string): Promise<CiAnswer<string>>;
  /** Whether the repository has any branch. */
  hasBranches(repo: BitbucketRepoPath): Promise<CiAnswer<boolean>>;
  createBranch(repo: BitbucketRepoPath, name: string, hash: string): Promise<CiAnswer<string>>;
  /** Commits one file; resolves with the new commit's hash when Bitbucket names it (`Location`). */
  commitFile(repo: BitbucketRepoPath, commit: CiCommit): Promise<CiAnswer<string | undefined>>;
  /** Open pull requests whose source branch is `branch`, newest first. */
  openPullRequests(repo: BitbucketRepoPath, branch: string): Promise<CiAnswer<CiPullRequest[]>>;
  createPullRequest(repo: BitbucketRepoPath, body: CiPullRequestBody): Promise<CiAnswer<CiPullRequest>>;
  /** Pipelines' `enabled` flag; a 404 (never configured) is a refusal. */
  pipelinesEnabled(repo: BitbucketRepoPath): Promise<CiAnswer<boolean>>;
  enablePipelines(repo: BitbucketRepoPath): Promise<CiAnswer<boolean>>;
  /** Every repository variable (names and uuids; secured values are never answered). */
  variables(repo: BitbucketRepoPath): Promise<CiAnswer<CiVariable[]>>;
  createVariable(repo: BitbucketRepoPath, key: string, value: string): Promise<CiAnswer<CiVariable>>;
  updateVariable(
    repo: BitbucketRepoPath,
    uuid: string,
    key: string,
    value: string,
  ): Promise<CiAnswer<CiVariable>>;
}

const encode = encodeURIComponent;
const repoPath = (repo: BitbucketRepoPath) =>
  `/2.0/repositories/${encode(repo.workspace)}/${encode(repo.slug)}`;
/** A branch name in a path: each `/`-separated part encoded on its own. */
const branchPath = (name: string) => name.split('/').map(encode).join('/');

const reader: AnswerReader<CiRefusal> = {
  refused: [400, 401, 403, 404, 409],
  refusal: (response) => {
    const body = errorSchema.catch({}).parse(response.data);
    const keys = refusalKeySchema.catch({}).parse(response.data);
    return { ...body, key: keys.error?.data?.key ?? keys.data?.key ?? undefined };
  },
  invalid: (response, at) =>
    new ScmError(
      'invalid',
      `Bitbucket answered ${response.url.pathname} with an unexpected shape (at ${at}).`,
      { code: 'upstream_invalid_response', fix: 'Check that the API URL points at Bitbucket Cloud.' },
    ),
};

/** Pages a listing may take: 100 pages of 100. */
const maxPages = 100;

const pageOf = <T>(schema: ZodType<T>) => z.object({ values: z.array(schema), next: z.string().nullish() });

const offOrigin = () =>
  new ScmError('invalid', 'Bitbucket sent a page link to another address, which is not followed.', {
    code: 'pagination_origin_mismatch',
    fix: 'Check that the API URL points at Bitbucket Cloud.',
  });

/** The last segment of a `…/commit/{hash}` Location, when it is a commit hash. */
function commitOfLocation(location: string | undefined): string | undefined {
  const hash = location?.split('?')[0]?.split('/').pop();
  return hash !== undefined && /^[0-9a-f]{40}$/i.test(hash) ? hash.toLowerCase() : undefined;
}

/** The multipart body of a one-file commit: the file goes under its path with a leading `/`, as documented. */
async function commitForm(commit: CiCommit): Promise<{ body: Buffer; contentType: string }> {
  const form = new FormData();
  form.append('message', commit.message);
  form.append('branch', commit.branch);
  form.append('parents', commit.parent);
  const name = commit.path.split('/').pop() ?? commit.path;
  form.append(`/${commit.path}`, new Blob([new Uint8Array(commit.content)]), name);
  const encoded = new Response(form);
  const contentType = encoded.headers.get('content-type') ?? 'multipart/form-data';
  return { body: Buffer.from(await encoded.arrayBuffer()), contentType };
}

export function createBitbucketCiClient(http: ScmHttp): BitbucketCiClient {
  const answer = <T>(request: ScmRequest, schema: ZodType<T>) =>
    requestOrRefusal(http, request, schema, reader);
  /**
   * Every page of a collection, following `next` on the API's own origin only, or the first refusal (so that
   * a scope refusal is read, not thrown).
   */
  const collect = async <T>(request: ScmRequest, schema: ZodType<T>): Promise<CiAnswer<T[]>> => {
    const items: T[] = [];
    let next: ScmRequest = { ...request, query: { ...request.query, pagelen: bitbucketPageSize } };
    for (let page = 0; page < maxPages; page++) {
      const answer = await requestOrRefusal(http, next, pageOf(schema), reader);
      if (!answer.ok) return answer;
      items.push(...answer.data.values);
      if (!answer.data.next) return { ok: true, data: items, headers: answer.headers };
      const url = new URL(answer.data.next, http.baseUrl);
      if (url.origin !== http.baseUrl.origin) throw offOrigin();
      next = { url };
    }
    throw new ScmError('invalid', `Bitbucket answered more than ${maxPages} pages.`, {
      code: 'too_many_pages',
    });
  };

  return {
    // GET /2.0/repositories/{workspace}/{repo_slug}
    mainBranch: (repo) =>
      answer(
        { path: repoPath(repo) },
        repositoryBranchSchema.transform((r) => r.mainbranch?.name ?? null),
      ),

    // GET /2.0/repositories/{workspace}/{repo_slug}/refs/branches/{name}
    branchHead: (repo, branch) =>
      answer(
        { path: `${repoPath(repo)}/refs/branches/${branchPath(branch)}` },
        branchSchema.transform((b) => b.target.hash),
      ),

    // GET /2.0/repositories/{workspace}/{repo_slug}/refs/branches?pagelen=1
    hasBranches: (repo) =>
      answer(
        { path: `${repoPath(repo)}/refs/branches`, query: { pagelen: 1 } },
        z.object({ values: z.array(z.unknown()) }).transform((page) => page.values.length > 0),
      ),

    // POST /2.0/repositories/{workspace}/{repo_slug}/refs/branches
    createBranch: (repo, name, hash) =>
      answer(
        { method: 'POST', path: `${repoPath(repo)}/refs/branches`, body: { name, target: { hash } } },
        branchSchema.transform((b) => b.target.hash),
      ),

    async commitFile(repo, commit) {
      const { body, contentType } = await commitForm(commit);
      // POST /2.0/repositories/{workspace}/{repo_slug}/src (multipart/form-data)
      const response = await http.request({
        method: 'POST',
        path: `${repoPath(repo)}/src`,
        headers: { 'content-type': contentType },
        rawBody: body,
        acceptStatus: reader.refused,
      });
      if (response.status >= 200 && response.status < 300) {
        return { ok: true, data: commitOfLocation(response.headers.location), headers: response.headers };
      }
      return {
        ok: false,
        status: response.status,
        refusal: reader.refusal(response),
        headers: response.headers,
      };
    },

    // GET /2.0/repositories/{workspace}/{repo_slug}/pullrequests?q=source.branch.name="…" AND state="OPEN"
    openPullRequests: (repo, branch) =>
      collect(
        {
          path: `${repoPath(repo)}/pullrequests`,
          query: { q: `source.branch.name = ${bbqlString(branch)} AND state = "OPEN"` },
        },
        ciPullRequestSchema,
      ),

    // POST /2.0/repositories/{workspace}/{repo_slug}/pullrequests
    createPullRequest: (repo, body) =>
      answer({ method: 'POST', path: `${repoPath(repo)}/pullrequests`, body }, ciPullRequestSchema),

    // GET /2.0/repositories/{workspace}/{repo_slug}/pipelines_config
    pipelinesEnabled: (repo) =>
      answer(
        { path: `${repoPath(repo)}/pipelines_config` },
        pipelinesConfigSchema.transform((c) => c.enabled === true),
      ),

    // PUT /2.0/repositories/{workspace}/{repo_slug}/pipelines_config
    enablePipelines: (repo) =>
      answer(
        { method: 'PUT', path: `${repoPath(repo)}/pipelines_config`, body: { enabled: true } },
        pipelinesConfigSchema.transform((c) => c.enabled === true),
      ),

    // GET /2.0/repositories/{workspace}/{repo_slug}/pipelines_config/variables?pagelen=100, following `next`
    variables: (repo) => collect({ path: `${repoPath(repo)}/pipelines_config/variables` }, variableSchema),

    // POST /2.0/repositories/{workspace}/{repo_slug}/pipelines_config/variables
    createVariable: (repo, key, value) =>
      answer(
        {
          method: 'POST',
          path: `${repoPath(repo)}/pipelines_config/variables`,
          body: { key, value, secured: true },
        },
        variableSchema,
      ),

    // PUT /2.0/repositories/{workspace}/{repo_slug}/pipelines_config/variables/{variable_uuid}
    updateVariable: (repo, uuid, key, value) =>
      answer(
        {
          method: 'PUT',
          path: `${repoPath(repo)}/pipelines_config/variables/${encode(uuid)}`,
          body: { key, value, secured: true },
        },
        variableSchema,
      ),
  };
}
