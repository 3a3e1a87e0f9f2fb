import { ScmError } from '../errors.js';
import {
  capped,
  checkFileTarget,
  encodePath,
  fileTooLarge,
  gitBlobId,
  isNotFound,
  maxFileBytes,
  missingFile,
  withinLimit,
} from '../files.js';
import type { FileReader, ScmFile, ScmRepositoryRef } from '../provider.js';
import type { BitbucketClient } from './client.js';
import type { BitbucketSourceMeta } from './schemas.js';
import { repoPathOf } from './client.js';

/**
 * Files at a commit through "Get file or directory contents" (`/src/{commit}/{path}`): first with
 * `format=meta`, which tells a file from a directory, a symlink (`link`), a submodule (`subrepository`) or a
 * Git LFS file (`lfs`, whose raw answer is a redirect to Atlassian's media platform) and gives the size, so
 * that nothing over the limit is downloaded; then the raw file. Needs `repository` (or
 * `read:repository:bitbucket`).
 *
 * Bitbucket Cloud gives no git blob id here (its ETag hashes content and attributes, not git's blob form), so
 * the blob id is computed from the bytes: sha1 of `blob {length}\0{content}`, which is git's blob id of the
 * file and the same for the same content at any commit.
 */
export function createBitbucketCloudFileReader(client: BitbucketClient): FileReader {
  return {
    async readFile(
      repository: ScmRepositoryRef,
      commitSha: string,
      path: string,
    ): Promise<ScmFile | undefined> {
      const target = checkFileTarget(commitSha, path);
      const repo = repoPathOf(repository);
      const encoded = encodePath(target);
      let meta: BitbucketSourceMeta;
      try {
        meta = await client.sourceMeta(repo, target.commitSha, encoded);
      } catch (error) {
        // "If the path or commit in the URL does not exist": one 404 for both, and for an unknown repository.
        if (!isNotFound(error)) throw error;
        return missingFile(repository, target, () => client.commitExists(repo, target.commitSha));
      }
      if (meta.type !== 'commit_file') return undefined;
      if (meta.attributes.includes('link') || meta.attributes.includes('subrepository')) return undefined;
      if (meta.attributes.includes('lfs')) throw inLfs(target.path);
      if (meta.size !== null && meta.size !== undefined && meta.size > maxFileBytes) {
        throw fileTooLarge(target.path, meta.size);
      }
      const content = await capped(target.path, () =>
        client.sourceContent(repo, target.commitSha, encoded, maxFileBytes),
      );
      return withinLimit(target.path, { content, blobId: gitBlobId(content) });
    },
  };
}

function inLfs(path: string): ScmError {
  return new ScmError(
    'too-large',
    `The file ${JSON.stringify(path.slice(0, 200))} is stored in Git LFS, which scm-connect does not download.`,
    {
      code: 'file_in_lfs',
      fix: 'Findings in files kept in Git LFS are identified without the file content.',
    },
  );
}
