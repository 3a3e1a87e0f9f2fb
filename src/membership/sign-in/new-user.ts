import { randomBytes } from 'node:crypto';
import type { ServiceContext } from '../../context.js';
import type { IdentityUserDraft } from '../../db/identity-users.js';
import { webRootOf } from '../../github-apps/registry.js';
import type { ScmSignInIdentity } from './identity.js';

const emailShape = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

/** The host no-reply addresses are made on: `github.com` / `gitlab.com` for the cloud, else the instance's. */
function noReplyHost(ctx: ServiceContext, identity: ScmSignInIdentity): string {
  const cloud = identity.provider === 'github' ? ctx.config.cloudUrls.githubWeb : ctx.config.cloudUrls.gitlab;
  if (identity.issuer === webRootOf(cloud)) return `${identity.provider}.com`;
  return new URL(identity.issuer).hostname;
}

/**
 * What the user a new SCM identity signs in as is made of: the name on the SCM (else the login); the email the SCM
 * gave, then no-reply addresses of the numeric id and login.
 */
export function newUserDraft(ctx: ServiceContext, identity: ScmSignInIdentity): IdentityUserDraft {
  const local = `${identity.subject}+${identity.login}`;
  const host = `users.noreply.${noReplyHost(ctx, identity)}`;
  const given = identity.email?.trim().toLowerCase();
  return {
    name: identity.name?.trim().slice(0, 200) || identity.login,
    emails: [
      ...(given && emailShape.test(given) ? [given] : []),
      `${local}@${host}`,
      `${local}+${randomBytes(4).toString('hex')}@${host}`,
    ],
  };
}
