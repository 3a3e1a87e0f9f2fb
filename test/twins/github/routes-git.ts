import type { createApi } from './api.js';
import { ghError, notFound, validationFailed } from './errors.js';
import type { GitHubState } from './state.js';
import { blobSha } from './state.js';

type Api = ReturnType<typeof createApi>;

const CONTENTS_PUT_DOCS = 'https://docs.github.com/rest/repos/contents#create-or-update-file-contents';

/**
 * A direct write refused by the default branch's protection: 409 as "Create or update file contents" documents
 * it (`repository-rule-violation-error` for a ruleset; a classic rule's answer points at "About protected
 * branches").
 */
function protectedBranch(kind: 'classic' | 'ruleset', update: boolean) {
  return kind === 'ruleset'
    ? ghError(409, 'Repository rule violations found\n\nChanges must be made through a pull request.\n\n', {
        docs: CONTENTS_PUT_DOCS,
      })
    : ghError(
        409,
        `Could not ${update ? 'update' : 'create'} file: Changes must be made through a pull request.`,
        { docs: 'https://docs.github.com/articles/about-protected-branches' },
      );
}

/** The git database's answer for a repository without commits (REST guide "Git database": 409 Conflict). */
export const emptyRepository = (docs: string) => ghError(409, 'Git Repository is empty.', { docs });

/** Git refs and writing with the contents API (branch + file + pull request is how a CI file is added). */
export function registerGitRoutes(api: Api, state: GitHubState): void {
  // GET /repos/{owner}/{repo}/git/ref/{ref}
  api.route('GET', '/repos/:owner/:repo/git/ref/*ref', 'any', (req, ctx) => {
    const repo = ctx.repo(req.params.owner!, req.params.repo!);
    ctx.need(['contents', 'read']);
    if (state.isEmpty(repo)) throw emptyRepository('https://docs.github.com/rest/git/refs#get-a-reference');
    const ref = req.params.ref!;
    const branch = /^heads\/(.+)$/.exec(ref)?.[1];
    const sha = branch ? state.git(repo).branches.get(branch) : undefined;
    if (!sha) throw notFound('https://docs.github.com/rest/git/refs#get-a-reference');
    return { body: ctx.shapes.ref(repo, `refs/heads/${branch}`, sha) };
  });

  // POST /repos/{owner}/{repo}/git/refs
  api.route(
    'POST',
    '/repos/:owner/:repo/git/refs',
    'token',
    (req, ctx) => {
      const repo = ctx.repo(req.params.owner!, req.params.repo!, { write: true });
      ctx.need(['contents', 'write']);
      if (state.isEmpty(repo))
        throw emptyRepository('https://docs.github.com/rest/git/refs#create-a-reference');
      const body = req.json<Record<string, unknown> | undefined>() ?? {};
      const { ref, sha } = body;
      if (typeof ref !== 'string' || !/^refs\/[^/]+\/.+/.test(ref)) {
        throw ghError(422, "Reference name must start with 'refs/' and contain at least two slashes.", {
          docs: 'https://docs.github.com/rest/git/refs#create-a-reference',
        });
      }
      const git = state.git(repo);
      if (typeof sha !== 'string' || !git.commits.has(sha)) {
        throw ghError(422, 'Object does not exist', {
          docs: 'https://docs.github.com/rest/git/refs#create-a-reference',
        });
      }
      const branch = ref.replace(/^refs\/heads\//, '');
      if (git.branches.has(branch)) {
        throw ghError(422, 'Reference already exists', {
          docs: 'https://docs.github.com/rest/git/refs#create-a-reference',
        });
      }
      git.branches.set(branch, sha);
      return { status: 201, body: ctx.shapes.ref(repo, ref, sha) };
    },
    true,
  );

  // PUT /repos/{owner}/{repo}/contents/{path}
  api.route(
    'PUT',
    '/repos/:owner/:repo/contents/*path',
    'token',
    (req, ctx) => {
      const repo = ctx.repo(req.params.owner!, req.params.repo!, { write: true });
      ctx.need(['contents', 'write']);
      const path = req.params.path!;
      // Without the app's `workflows` permission a file under `.github/workflows/` is not found to write (the
      // contents API answers 404; only `git push` spells the reason out).
      if (
        path.startsWith('.github/workflows/') &&
        (ctx.caller.kind === 'installation' || ctx.caller.kind === 'user') &&
        ctx.caller.token.permissions.workflows !== 'write'
      ) {
        throw notFound(CONTENTS_PUT_DOCS);
      }
      const body = req.json<Record<string, unknown> | undefined>() ?? {};
      if (typeof body.message !== 'string')
        throw validationFailed([{ resource: 'Commit', code: 'missing_field', field: 'message' }]);
      if (typeof body.content !== 'string')
        throw validationFailed([{ resource: 'Commit', code: 'missing_field', field: 'content' }]);
      const branch = typeof body.branch === 'string' ? body.branch : repo.defaultBranch;
      const git = state.git(repo);
      const head = git.branches.get(branch);
      // In an empty repository the first file creates the default branch (REST guide "Git database").
      const initializes = state.isEmpty(repo) && branch === repo.defaultBranch;
      if (!head && !initializes)
        throw notFound('https://docs.github.com/rest/repos/contents#create-or-update-file-contents');
      const existing = head ? git.commits.get(head)!.files.get(path) : undefined;
      if (existing && body.sha === undefined) {
        throw ghError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.', {
          docs: 'https://docs.github.com/rest/repos/contents#create-or-update-file-contents',
        });
      }
      if (existing && body.sha !== blobSha(existing)) {
        throw ghError(409, `${path} does not match ${String(body.sha)}`, {
          docs: 'https://docs.github.com/rest/repos/contents#create-or-update-file-contents',
        });
      }
      if (branch === repo.defaultBranch && repo.defaultBranchProtection) {
        throw protectedBranch(repo.defaultBranchProtection, existing !== undefined);
      }
      const content = Buffer.from(body.content, 'base64');
      const commit = state.commit(repo, branch, body.message, new Map([[path, content]]));
      const {
        content: _omit,
        encoding: _enc,
        ...fileEntry
      } = ctx.shapes.contentFile(repo, branch, path, content);
      return {
        status: existing ? 200 : 201,
        body: { content: fileEntry, commit: ctx.shapes.gitCommit(repo, commit) },
      };
    },
    true,
  );
}
