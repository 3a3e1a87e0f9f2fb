import { z, type ZodType } from 'zod';
import { ScmError } from '../errors.js';
import { parseAnswer, type ScmHttp, type ScmRequest } from '../http/index.js';
import { apiVersion, isSignInPage, reader, suppressRedirect, type AdoRepoPath } from './client.js';
import {
  buildDefinitionSchema,
  itemWithContentSchema,
  pipelinePermissionsSchema,
  pipelineSchema,
  pullRequestRefSchema,
  pushSchema,
  refSchema,
  variableGroupSchema,
  type AdoBuildDefinition,
  type AdoItemWithContent,
  type AdoPipeline,
  type AdoPipelinePermissions,
  type AdoPullRequestRef,
  type AdoPush,
  type AdoRef,
  type AdoVariableGroup,
} from './ci-schemas.js';
import { repositorySchema, type AdoRepository } from './schemas.js';

/** Pipeline permissions exist only as a preview at 7.1. */
const permissionsApiVersion = '7.1-preview.1';
/** Refs per page: "Refs - List" takes `$top` up to 1000. */
const refPageSize = 1000;
/** A list read stops here rather than follow continuation tokens forever. */
const maxPages = 100;

/**
 * Azure DevOps' refusal of a CI call: the status, and the `typeKey` of its error body (the exception's name, e.g.
 * `GitRefUpdateRejectedByPolicyException`), which tells a branch policy from a missing permission. `signIn`: the
 * answer was the sign-in page (a PAT it did not take).
 */
export interface CiRefusal {
  readonly ok: false;
  readonly status: number;
  readonly typeKey: string | undefined;
  readonly signIn: boolean;
}

export type CiAnswer<T> = { readonly ok: true; readonly data: T } | CiRefusal;

const refusedStatuses = [400, 401, 403, 404, 409];
const errorBodySchema = z.object({ typeKey: z.string().nullish() });
const listOf = <T>(schema: ZodType<T>) => z.object({ value: z.array(schema) });

/** Typed calls for CI files, pipelines and variable groups (REST 7.1), for one organization. */
export interface AdoCiClient {
  repository(repo: AdoRepoPath): Promise<CiAnswer<AdoRepository>>;
  /** The branch `refs/heads/{branch}` exactly (the API's `filter` matches a prefix), or undefined. */
  branch(repo: AdoRepoPath, branch: string): Promise<CiAnswer<AdoRef | undefined>>;
  /** Whether the repository has any branch at all (an empty one has none). */
  hasBranches(repo: AdoRepoPath): Promise<CiAnswer<boolean>>;
  /** The item at `path` (`/`-rooted) on `branch`, with its text. */
  item(repo: AdoRepoPath, path: string, branch: string): Promise<CiAnswer<AdoItemWithContent>>;
  push(repo: AdoRepoPath, body: object): Promise<CiAnswer<AdoPush>>;
  activePullRequests(
    repo: AdoRepoPath,
    sourceRefName: string,
    targetRefName: string,
  ): Promise<CiAnswer<AdoPullRequestRef[]>>;
  createPullRequest(repo: AdoRepoPath, body: object): Promise<CiAnswer<AdoPullRequestRef>>;
  /** The repository's build definitions, with their `process` and `repository` (`includeAllProperties`). */
  definitions(project: string, repositoryId: string): Promise<CiAnswer<AdoBuildDefinition[]>>;
  createPipeline(project: string, body: object): Promise<CiAnswer<AdoPipeline>>;
  pipelines(project: string): Promise<CiAnswer<AdoPipeline[]>>;
  pipelinePermissions(project: string, groupId: number): Promise<CiAnswer<AdoPipelinePermissions>>;
  updatePipelinePermissions(
    project: string,
    groupId: number,
    body: object,
  ): Promise<CiAnswer<AdoPipelinePermissions>>;
  variableGroups(project: string, groupName: string): Promise<CiAnswer<AdoVariableGroup[]>>;
  addVariableGroup(body: object): Promise<CiAnswer<AdoVariableGroup>>;
  updateVariableGroup(groupId: number, body: object): Promise<CiAnswer<AdoVariableGroup>>;
}

export function createAdoCiClient(http: ScmHttp, organization: string): AdoCiClient {
  const org = `/${encodeURIComponent(organization)}`;
  const project = (name: string) => `${org}/${encodeURIComponent(name)}`;
  const repoPath = (repo: AdoRepoPath) =>
    `${project(repo.project)}/_apis/git/repositories/${encodeURIComponent(repo.repositoryId)}`;

  async function call<T>(
    request: ScmRequest,
    schema: ZodType<T>,
    version = apiVersion,
  ): Promise<CiAnswer<T> & { headers?: Readonly<Record<string, string>> }> {
    const response = await http.request({
      ...request,
      headers: suppressRedirect,
      query: { 'api-version': version, ...request.query },
      acceptStatus: refusedStatuses,
    });
    if (isSignInPage(response))
      return { ok: false, status: response.status, typeKey: undefined, signIn: true };
    if (response.status >= 200 && response.status < 300) {
      return { ok: true, data: parseAnswer(schema, response, reader.invalid), headers: response.headers };
    }
    const body = errorBodySchema.safeParse(response.data);
    return {
      ok: false,
      status: response.status,
      typeKey: body.success ? (body.data.typeKey ?? undefined) : undefined,
      signIn: false,
    };
  }

  /** Every item of a list, page by page through the `x-ms-continuationtoken` header. */
  async function all<T>(request: ScmRequest, schema: ZodType<T>): Promise<CiAnswer<T[]>> {
    const items: T[] = [];
    let token: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const answer = await call(
        { ...request, query: { ...request.query, ...(token ? { continuationToken: token } : {}) } },
        listOf(schema),
      );
      if (!answer.ok) return answer;
      items.push(...answer.data.value);
      token = answer.headers?.['x-ms-continuationtoken'] || undefined;
      if (!token) return { ok: true, data: items };
    }
    throw new ScmError('too-large', `Azure DevOps answered more than ${maxPages} pages.`, {
      code: 'too_many_pages',
    });
  }

  return {
    // GET /{org}/{project}/_apis/git/repositories/{repositoryId}
    repository: (repo) => call({ path: repoPath(repo) }, repositorySchema),

    async branch(repo, branch) {
      const name = `refs/heads/${branch}`;
      // GET …/refs?filter=heads/{branch}&$top=1000 (a prefix filter: `heads/main` also lists `heads/main-old`)
      const refs = await all(
        { path: `${repoPath(repo)}/refs`, query: { filter: `heads/${branch}`, $top: refPageSize } },
        refSchema,
      );
      return refs.ok ? { ok: true, data: refs.data.find((ref) => ref.name === name) } : refs;
    },

    async hasBranches(repo) {
      // GET …/refs?filter=heads/&$top=1
      const refs = await call(
        { path: `${repoPath(repo)}/refs`, query: { filter: 'heads/', $top: 1 } },
        listOf(refSchema),
      );
      return refs.ok ? { ok: true, data: refs.data.value.length > 0 } : refs;
    },

    // GET …/items?path=&versionDescriptor.version={branch}&versionDescriptor.versionType=branch
    //   &includeContent=true&$format=json
    item: (repo, path, branch) =>
      call(
        {
          path: `${repoPath(repo)}/items`,
          query: {
            path,
            'versionDescriptor.version': branch,
            'versionDescriptor.versionType': 'branch',
            includeContent: true,
            $format: 'json',
          },
        },
        itemWithContentSchema,
      ),

    // POST …/pushes (not retried by the transport: a push that did land must not be sent twice)
    push: (repo, body) =>
      call({ method: 'POST', path: `${repoPath(repo)}/pushes`, body, idempotent: false }, pushSchema),

    async activePullRequests(repo, sourceRefName, targetRefName) {
      // GET …/pullrequests?searchCriteria.sourceRefName=&searchCriteria.targetRefName=&searchCriteria.status=active
      const answer = await call(
        {
          path: `${repoPath(repo)}/pullrequests`,
          query: {
            'searchCriteria.sourceRefName': sourceRefName,
            'searchCriteria.targetRefName': targetRefName,
            'searchCriteria.status': 'active',
          },
        },
        listOf(pullRequestRefSchema),
      );
      return answer.ok ? { ok: true, data: answer.data.value } : answer;
    },

    // POST …/pullrequests
    createPullRequest: (repo, body) =>
      call(
        { method: 'POST', path: `${repoPath(repo)}/pullrequests`, body, idempotent: false },
        pullRequestRefSchema,
      ),

    // GET /{org}/{project}/_apis/build/definitions?repositoryId=&repositoryType=TfsGit&includeAllProperties=true
    definitions: (name, repositoryId) =>
      all(
        {
          path: `${project(name)}/_apis/build/definitions`,
          query: { repositoryId, repositoryType: 'TfsGit', includeAllProperties: true },
        },
        buildDefinitionSchema,
      ),

    // POST /{org}/{project}/_apis/pipelines
    createPipeline: (name, body) =>
      call(
        { method: 'POST', path: `${project(name)}/_apis/pipelines`, body, idempotent: false },
        pipelineSchema,
      ),

    // GET /{org}/{project}/_apis/pipelines?continuationToken=
    pipelines: (name) => all({ path: `${project(name)}/_apis/pipelines` }, pipelineSchema),

    // GET /{org}/{project}/_apis/pipelines/pipelinePermissions/variablegroup/{groupId}
    pipelinePermissions: (name, groupId) =>
      call(
        { path: `${project(name)}/_apis/pipelines/pipelinePermissions/variablegroup/${groupId}` },
        pipelinePermissionsSchema,
        permissionsApiVersion,
      ),

    // PATCH /{org}/{project}/_apis/pipelines/pipelinePermissions/variablegroup/{groupId}
    updatePipelinePermissions: (name, groupId, body) =>
      call(
        {
          method: 'PATCH',
          path: `${project(name)}/_apis/pipelines/pipelinePermissions/variablegroup/${groupId}`,
          body,
        },
        pipelinePermissionsSchema,
        permissionsApiVersion,
      ),

    async variableGroups(name, groupName) {
      // GET /{org}/{project}/_apis/distributedtask/variablegroups?groupName=
      const answer = await call(
        { path: `${project(name)}/_apis/distributedtask/variablegroups`, query: { groupName } },
        listOf(variableGroupSchema),
      );
      return answer.ok ? { ok: true, data: answer.data.value } : answer;
    },

    // POST /{org}/_apis/distributedtask/variablegroups
    addVariableGroup: (body) =>
      call(
        { method: 'POST', path: `${org}/_apis/distributedtask/variablegroups`, body, idempotent: false },
        variableGroupSchema,
      ),

    // PUT /{org}/_apis/distributedtask/variablegroups/{groupId}
    updateVariableGroup: (groupId, body) =>
      call(
        { method: 'PUT', path: `${org}/_apis/distributedtask/variablegroups/${groupId}`, body },
        variableGroupSchema,
      ),
  };
}
