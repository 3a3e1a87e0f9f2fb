import { ScmError } from '../errors.js';
import {
  capped,
  checkFileTarget,
  encodePath,
  gitBlobId,
  maxFileBytes,
  missingFile,
  withinLimit,
} from '../files.js';
import type { FileReader, ScmFile, ScmRepositoryRef } from '../provider.js';
import type { BbdcAnswer } from './client.js';
import { invalidCredentials, type BbdcContext } from './connection-checks.js';

type Refused = Extract<BbdcAnswer<unknown>, { ok: false }>;

/**
 * Files at a commit: "Get file content" with `type=true` first (`FILE`, `DIRECTORY` or `SUBMODULE`: the raw
 * resource documents no answer for a directory), then "Get raw content of a file at revision"
 * (`raw/{path}?at={commit}`), capped while it streams. Needs Repository read (REPO_READ).
 *
 * Data Center gives no git blob id on these resources, so the blob id is computed from the bytes: sha1 of
 * `blob {length}\0{content}`, which is git's blob id of the file and the same for the same content anywhere.
 * Symbolic links are served as their target path (the raw resource does not say which entries are links).
 */
export function createBbdcFileReader(ctx: BbdcContext): FileReader {
  const { client } = ctx;
  return {
    async readFile(
      repository: ScmRepositoryRef,
      commitSha: string,
      path: string,
    ): Promise<ScmFile | undefined> {
      const target = checkFileTarget(commitSha, path);
      const { projectKey, slug } = repoOf(repository);
      const encoded = encodePath(target);
      const type = await client.pathType(projectKey, slug, target.commitSha, encoded);
      if (!type.ok) {
        // The reference documents one 404 for the resource; a missing path, commit and repository share it.
        if (type.refusal !== 'not-found') throw fileRefusal(ctx, repository, type);
        return missingFile(repository, target, async () => {
          const commit = await client.commit(projectKey, slug, target.commitSha);
          if (commit.ok) return true;
          // 404: unknown commit or repository; 400: "The supplied commit ID was invalid".
          if (commit.refusal === 'not-found' || commit.status === 400) return false;
          throw fileRefusal(ctx, repository, commit);
        });
      }
      if (type.data !== 'FILE') return undefined;
      const content = await capped(target.path, () =>
        client.rawFile(projectKey, slug, target.commitSha, encoded, maxFileBytes),
      );
      return withinLimit(target.path, { content, blobId: gitBlobId(content) });
    },
  };
}

/** `KEY/slug` (or `~USER/slug` for a personal repository), split; refuses anything else. */
function repoOf(repository: ScmRepositoryRef): { projectKey: string; slug: string } {
  const parts = repository.fullName.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new ScmError(
      'invalid',
      `${JSON.stringify(repository.fullName.slice(0, 200))} is not a Bitbucket Data Center \`KEY/slug\` name.`,
      { code: 'invalid_repository' },
    );
  }
  return { projectKey: parts[0], slug: parts[1] };
}

function fileRefusal(ctx: BbdcContext, repository: ScmRepositoryRef, answer: Refused): ScmError {
  const name = JSON.stringify(repository.fullName.slice(0, 200));
  switch (answer.refusal) {
    case 'bad-credentials':
      return invalidCredentials(ctx, answer.status);
    case 'not-permitted':
      return new ScmError('forbidden', `The token may not read the files of ${name}.`, {
        code: 'insufficient_permissions',
        status: answer.status,
        fix: `Give the token Repository read (or Project read on ${ctx.projectKey}), then update the connection.`,
      });
    case 'not-found':
    case 'rejected':
      return new ScmError(
        'invalid',
        `Bitbucket Data Center refused to read a file of ${name} (${answer.status}).`,
        {
          code: 'upstream_rejected',
          status: answer.status,
        },
      );
  }
}
