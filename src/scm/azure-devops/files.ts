import { ScmError } from '../errors.js';
import { capped, checkFileTarget, gitBlobId, maxFileBytes, missingFile, withinLimit } from '../files.js';
import type { FileReader, ScmFile, ScmRepositoryRef } from '../provider.js';
import type { AdoAnswer, AdoRepoPath } from './client.js';
import { invalidCredentials, patFix, type AdoContext } from './connection-checks.js';

type Refused = Extract<AdoAnswer<unknown>, { ok: false }>;

/**
 * Files at a commit with the Git Items API ("Items - Get", `$format=json`, no content): `objectId` is the
 * file's git blob id, and `gitObjectType`, `isFolder` and `isSymLink` tell a file from a directory, a submodule
 * or a symbolic link. The bytes then come from "Blobs - Get Blob" by that id (`$format=octetstream`), capped
 * while they stream: the items API's JSON `content` is text, not bytes. Needs `vso.code` (Code, Read).
 */
export function createAzureDevOpsFileReader(ctx: AdoContext): FileReader {
  const { client } = ctx;
  return {
    async readFile(
      repository: ScmRepositoryRef,
      commitSha: string,
      path: string,
    ): Promise<ScmFile | undefined> {
      const target = checkFileTarget(commitSha, path);
      const repo = repoOf(repository);
      const item = await client.item(repo, `/${target.path}`, target.commitSha);
      if (!item.ok) {
        // 404 TF401174 (no such item) and an unresolved version descriptor look alike to a client: ask the commit.
        if (!isMissing(item)) throw fileRefusal(ctx, repository, item);
        return missingFile(repository, target, async () => {
          const commit = await client.commit(repo, target.commitSha);
          if (commit.ok) return true;
          if (isMissing(commit)) return false;
          throw fileRefusal(ctx, repository, commit);
        });
      }
      const { data } = item;
      const isBlob = (data.gitObjectType ?? 'blob').toLowerCase() === 'blob';
      if (!isBlob || data.isFolder === true || data.isSymLink === true) return undefined;
      const content = await capped(target.path, () => client.blob(repo, data.objectId, maxFileBytes));
      if (gitBlobId(content) !== data.objectId.toLowerCase()) {
        throw new ScmError(
          'invalid',
          'Azure DevOps answered with a blob whose content does not match its object id.',
          { code: 'upstream_invalid_response', fix: 'Try again; if it persists, check the repository.' },
        );
      }
      return withinLimit(target.path, { content, blobId: data.objectId.toLowerCase() });
    },
  };
}

const isMissing = (answer: Refused): boolean => answer.refusal === 'not-found' || answer.status === 400;

/** `organization/project/repository` of a reference, with the repository by its id (`externalId`). */
export function repoOf(repository: ScmRepositoryRef): AdoRepoPath {
  const parts = repository.fullName.split('/');
  if (parts.length !== 3 || parts.some((part) => part === '') || repository.externalId === '') {
    throw new ScmError(
      'invalid',
      `${JSON.stringify(repository.fullName.slice(0, 200))} is not an Azure DevOps \`organization/project/repository\` name.`,
      { code: 'invalid_repository' },
    );
  }
  return { project: parts[1]!, repositoryId: repository.externalId };
}

function fileRefusal(ctx: AdoContext, repository: ScmRepositoryRef, answer: Refused): ScmError {
  const name = JSON.stringify(repository.fullName.slice(0, 200));
  switch (answer.refusal) {
    case 'bad-credentials':
      return invalidCredentials(ctx, answer.status);
    case 'denied':
      return new ScmError('forbidden', `The token may not read the files of ${name}.`, {
        code: 'insufficient_scopes',
        status: answer.status,
        fix: patFix(ctx, ['vso.code']),
      });
    case 'not-found':
    case 'rejected':
      return new ScmError('invalid', `Azure DevOps refused to read a file of ${name} (${answer.status}).`, {
        code: 'upstream_rejected',
        status: answer.status,
      });
  }
}
