import { isScmError, ScmError } from '../errors.js';
import type { AdoClient } from './client.js';

/** Groups nested deeper than this below Project Collection Administrators are not read. */
export const maxGroupDepth = 10;

/** Azure DevOps and Microsoft Entra groups; every other subject kind (`aad.`, `msa.`, `svc.`…) is a user. */
const isGroup = (descriptor: string) => /^(vssgp|aadgp)\./i.test(descriptor);

/** Who administers the organization, or why the Graph would not say. */
export type CollectionAdministrators =
  | { readonly ok: true; readonly users: ReadonlySet<string> }
  | { readonly ok: false; readonly status: number | undefined };

const refused = (error: unknown): CollectionAdministrators | undefined =>
  isScmError(error) && (error.kind === 'auth' || error.kind === 'forbidden')
    ? { ok: false, status: error.status }
    : undefined;

/**
 * The subject descriptors of every user in `[{org}]\Project Collection Administrators`, directly or through
 * nested groups (up to `maxGroupDepth` levels, each group read once). Microsoft Entra groups list only their
 * members who have used the organization. A Graph refusal (no `vso.graph`) comes back as `ok: false`.
 */
export async function readCollectionAdministrators(
  client: AdoClient,
  organization: string,
): Promise<CollectionAdministrators> {
  const principalName = `[${organization}]\\Project Collection Administrators`.toLowerCase();
  let root: string | undefined;
  try {
    for await (const group of client.graphGroups()) {
      if (group.principalName?.toLowerCase() === principalName) {
        root = group.descriptor;
        break;
      }
    }
  } catch (error) {
    const refusal = refused(error);
    if (refusal) return refusal;
    throw error;
  }
  if (root === undefined) {
    throw new ScmError('not-found', `Azure DevOps lists no group \`${principalName}\` in ${organization}.`, {
      code: 'upstream_invalid_response',
      fix: 'Check that the organization name is the one in its address, then test the connection again.',
    });
  }

  const users = new Set<string>();
  const seen = new Set([root]);
  let level = [root];
  for (let depth = 0; level.length > 0 && depth <= maxGroupDepth; depth++) {
    const answers = await Promise.all(level.map((group) => client.groupMembers(group)));
    const next: string[] = [];
    for (const answer of answers) {
      if (!answer.ok) {
        // A group removed since it was listed has no members left to read.
        if (answer.refusal === 'not-found') continue;
        if (answer.refusal === 'bad-credentials' || answer.refusal === 'denied')
          return { ok: false, status: answer.status };
        throw new ScmError(
          'invalid',
          `Azure DevOps refused to list the members of a group in Project Collection Administrators (${answer.status}).`,
          { code: 'upstream_rejected', status: answer.status },
        );
      }
      for (const { memberDescriptor: member } of answer.data) {
        if (!isGroup(member)) users.add(member);
        else if (!seen.has(member)) {
          seen.add(member);
          next.push(member);
        }
      }
    }
    level = next;
  }
  return { ok: true, users };
}
