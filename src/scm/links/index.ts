import { findScmKind, type ScmKindId } from '../../core/scm-kinds.js';
import type { LinkBuilder } from '../provider.js';
import { azureDevOpsFileUrl } from './azure-devops.js';
import { bitbucketCloudFileUrl } from './bitbucket-cloud.js';
import { bitbucketDataCenterFileUrl } from './bitbucket-data-center.js';
import { checkBranchTarget, checkTarget, checkWebBase } from './check-input.js';
import { githubFileUrl } from './github.js';
import { gitlabFileUrl } from './gitlab.js';
import {
  linkFamilyOf,
  type BranchFileLocation,
  type BranchLinkBuilder,
  type CheckedBase,
  type CheckedTarget,
  type FileLocation,
  type LinkBase,
  type LinkFamily,
  type RepositoryRef,
} from './types.js';

export type * from './types.js';
export { linkFamilyOf } from './types.js';
export { checkWebBase } from './check-input.js';

type FamilyFileUrl = (base: CheckedBase, repository: RepositoryRef, target: CheckedTarget) => string;

const familyFileUrl: Readonly<Record<LinkFamily, FamilyFileUrl>> = {
  github: githubFileUrl,
  gitlab: gitlabFileUrl,
  'bitbucket-cloud': bitbucketCloudFileUrl,
  'bitbucket-data-center': bitbucketDataCenterFileUrl,
  'azure-devops': azureDevOpsFileUrl,
};

/**
 * A commit-pinned web link to a file and, optionally, a line range. Pure: no network, no credentials.
 * Throws `ScmError` kind `invalid` (codes `invalid_web_url`, `invalid_commit_sha`, `invalid_path`,
 * `invalid_line_range`, `invalid_repository`) instead of emitting a link that points somewhere else.
 */
export function buildFileUrl(kind: ScmKindId, base: LinkBase, location: FileLocation): string {
  return familyFileUrl[linkFamilyOf[kind]](checkWebBase(base), location.repository, checkTarget(location));
}

/** The public web root of a cloud kind (`https://gitlab.com`); undefined for self-managed kinds. */
export function cloudLinkBase(kind: ScmKindId): LinkBase | undefined {
  const webUrl = findScmKind(kind)?.cloudWebUrl;
  return webUrl === undefined ? undefined : { webUrl };
}

/** A link to a file (and optionally lines) on a branch; throws as {@link buildFileUrl}, `invalid_branch` too. */
export function buildBranchFileUrl(kind: ScmKindId, base: LinkBase, location: BranchFileLocation): string {
  return familyFileUrl[linkFamilyOf[kind]](
    checkWebBase(base),
    location.repository,
    checkBranchTarget(location),
  );
}

/** A `LinkBuilder` for one connection, with branch links too; the web root is checked once, here. */
export function createLinkBuilder(kind: ScmKindId, base: LinkBase): LinkBuilder & BranchLinkBuilder {
  const checkedBase = checkWebBase(base);
  const fileUrl = familyFileUrl[linkFamilyOf[kind]];
  return {
    fileUrl: (location) => fileUrl(checkedBase, location.repository, checkTarget(location)),
    branchFileUrl: (location) => fileUrl(checkedBase, location.repository, checkBranchTarget(location)),
  };
}
