import { ScmError } from '../errors.js';
import {
  capped,
  checkFileTarget,
  fileTooLarge,
  gitBlobId,
  isNotFound,
  maxEncodedFileAnswerBytes,
  maxFileBytes,
  missingFile,
  withinLimit,
} from '../files.js';
import type { FileReader, ScmFile, ScmRepositoryRef } from '../provider.js';
import type { GitLabClient } from './client.js';

/**
 * Files at a commit through the Repository files API ("Get file from repository"): the project by id
 * (`externalId`, which survives renames and transfers), the file path URL-encoded as one segment, the commit
 * as `ref`. `blob_id` is the git blob id; the content comes base64-encoded. Needs `read_api` (or `api`) and
 * the Reporter role on private projects.
 */
export function createGitLabFileReader(client: GitLabClient): FileReader {
  return {
    async readFile(
      repository: ScmRepositoryRef,
      commitSha: string,
      path: string,
    ): Promise<ScmFile | undefined> {
      const target = checkFileTarget(commitSha, path);
      let file: Awaited<ReturnType<GitLabClient['file']>>;
      try {
        file = await capped(target.path, () =>
          client.file(repository.externalId, target.path, target.commitSha, maxEncodedFileAnswerBytes),
        );
      } catch (error) {
        // GitLab answers 404 for a missing file (also a directory), commit or project alike.
        if (!isNotFound(error)) throw error;
        return missingFile(repository, target, () =>
          client.commitExists(repository.externalId, target.commitSha),
        );
      }
      if (file.size > maxFileBytes) throw fileTooLarge(target.path, file.size);
      if (file.encoding !== 'base64') throw unreadable();
      const content = Buffer.from(file.content, 'base64');
      if (content.length !== file.size || gitBlobId(content) !== file.blob_id) throw unreadable();
      return withinLimit(target.path, { content, blobId: file.blob_id });
    },
  };
}

const unreadable = () =>
  new ScmError('invalid', 'GitLab answered with a file whose content does not match its size or blob id.', {
    code: 'upstream_invalid_response',
    fix: 'Try again; if it persists, check the GitLab instance.',
  });
