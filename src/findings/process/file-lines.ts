import type { Db } from '../../db/database.js';
import { safeErrorMessage } from '../../jobs/retry-policy.js';
import { hashLines, type FileLines } from './identity.js';

/**
 * Reads a file of a repository at a commit (the provider's `files` capability): its content and blob id, or
 * undefined when the file does not exist there.
 */
export interface ScanFileReader {
  readFile(
    repository: { readonly externalId: string; readonly fullName: string },
    commitSha: string,
    path: string,
  ): Promise<{ readonly content: Buffer; readonly blobId: string } | undefined>;
}

/** The files of one scan's commit, each read once. */
export interface FileLineSource {
  lines(path: string): Promise<FileLines>;
  /** Whether the file exists at the commit; undefined when that cannot be told (no reader, a read failed). */
  exists(path: string): Promise<boolean | undefined>;
}

interface Known {
  readonly lines: FileLines;
  readonly exists: boolean | undefined;
}

/**
 * Line hashes are kept in `file_line_hashes` by blob id, plus a row keyed `commit:{sha}:{path}` that points at
 * the blob, so another upload for the same commit (another tool) reads nothing from the SCM.
 */
export function createFileLineSource(input: {
  readonly db: Db;
  readonly accountId: string;
  readonly repositoryId: string;
  readonly repository: { readonly externalId: string; readonly fullName: string };
  readonly commitSha: string;
  readonly reader: ScanFileReader | undefined;
  /** Why files cannot be read, when there is no reader. */
  readonly noReaderReason: string;
}): FileLineSource {
  const { db, accountId, repositoryId } = input;
  const known = new Map<string, Promise<Known>>();
  const aliasOf = (path: string) => `commit:${input.commitSha}:${path}`;

  const readStored = async (key: string): Promise<string | undefined> =>
    (
      await db
        .selectFrom('file_line_hashes')
        .select('line_hashes')
        .where('account_id', '=', accountId)
        .where('repository_id', '=', repositoryId)
        .where('blob_id', '=', key)
        .executeTakeFirst()
    )?.line_hashes;

  const store = async (key: string, value: string) => {
    await db
      .insertInto('file_line_hashes')
      .values({
        account_id: accountId,
        repository_id: repositoryId,
        blob_id: key,
        line_hashes: value,
        created_at: new Date().toISOString(),
      })
      .onConflict((oc) => oc.columns(['account_id', 'repository_id', 'blob_id']).doNothing())
      .execute();
  };

  const cached = async (path: string): Promise<readonly string[] | undefined> => {
    const alias = await readStored(aliasOf(path));
    const blobId = alias === undefined ? undefined : (JSON.parse(alias) as { blobId?: unknown }).blobId;
    const stored = typeof blobId === 'string' ? await readStored(blobId) : undefined;
    const hashes = stored === undefined ? undefined : (JSON.parse(stored) as unknown);
    return Array.isArray(hashes) && hashes.every((hash) => typeof hash === 'string') ? hashes : undefined;
  };

  const load = async (path: string): Promise<Known> => {
    const hashes = await cached(path);
    if (hashes) return { lines: { hashes }, exists: true };
    if (!input.reader) return { lines: { unreadable: input.noReaderReason }, exists: undefined };
    try {
      const file = await input.reader.readFile(input.repository, input.commitSha, path);
      if (!file) {
        return {
          lines: { unreadable: `${path} does not exist at commit ${input.commitSha.slice(0, 12)}.` },
          exists: false,
        };
      }
      const read = hashLines(file.content);
      await store(file.blobId, JSON.stringify(read));
      await store(aliasOf(path), JSON.stringify({ blobId: file.blobId }));
      return { lines: { hashes: read }, exists: true };
    } catch (error) {
      return {
        lines: { unreadable: `${path} could not be read: ${safeErrorMessage(error)}` },
        exists: undefined,
      };
    }
  };

  const get = (path: string): Promise<Known> => {
    let entry = known.get(path);
    if (!entry) {
      entry = load(path);
      known.set(path, entry);
    }
    return entry;
  };

  return {
    lines: async (path) => (await get(path)).lines,
    exists: async (path) => (await get(path)).exists,
  };
}
