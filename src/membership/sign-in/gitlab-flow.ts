import type { ServiceContext } from '../../context.js';
import { findGitLabOAuthApp, gitLabOAuthCredentials } from '../../db/gitlab-oauth-apps.js';
import { exchangeGitLabOAuthCode, gitLabOAuthUser, gitLabUserNotActive } from '../../scm/gitlab/oauth.js';
import { createScmHttp } from '../../scm/http/index.js';
import {
  finishScmSignIn,
  providerRefused,
  scmRoundTrip,
  startScmSignIn,
  type FinishedSignIn,
  type SignInCallback,
  type SignInRedirect,
  type SignInStart,
} from './flow.js';
import { SignInRefusal } from './refusal.js';

const notActive = () =>
  new SignInRefusal(
    'not_a_member',
    'GitLab does not let this user in: they are blocked, deactivated or banned.',
  );

/** GitLab's redirect back after Sign in with GitLab, the same for every application: the flow names it. */
export const gitLabCallbackPath = '/auth/gitlab/callback';

/**
 * Sign in with GitLab: the authorize page of the OAuth application `appId` (`read_user` scope), with a
 * single-use `state` and a PKCE challenge.
 */
export async function startGitLabSignIn(
  ctx: ServiceContext,
  input: SignInStart & { readonly appId: string },
): Promise<SignInRedirect> {
  const app = await findGitLabOAuthApp(ctx.db, input.appId);
  if (!app) throw new SignInRefusal('provider_refused', 'That GitLab application is not set up any more.');
  return startScmSignIn(ctx, input, {
    provider: 'gitlab',
    providerRef: app.id,
    endpoint: `${app.webUrl}/oauth/authorize`,
    params: {
      client_id: app.applicationId,
      redirect_uri: `${input.origin}${gitLabCallbackPath}`,
      response_type: 'code',
      scope: 'read_user',
    },
  });
}

/**
 * GitLab's redirect back: the flow taken once (this browser's), the code exchanged with the PKCE verifier at
 * `/oauth/token`, and the person read from `/api/v4/user`. A user who is not `active` (blocked, deactivated,
 * banned, awaiting approval) is refused as not a member.
 */
export function finishGitLabSignIn(ctx: ServiceContext, input: SignInCallback): Promise<FinishedSignIn> {
  return finishScmSignIn(ctx, 'gitlab', input, async (flow, code) => {
    const app = await gitLabOAuthCredentials(ctx.db, ctx.secrets, flow.providerRef);
    if (!app) throw providerRefused('gitlab');
    const http = createScmHttp({
      baseUrl: new URL(app.webUrl),
      ...(app.caCertificate ? { caPem: app.caCertificate } : {}),
      // An instance-wide application: entries of the allowlist scoped to one account open nothing for it.
      policy: { allowlist: ctx.config.allowedHosts, accountId: '' },
      shared: ctx.scmShared,
      allowHttp: ctx.config.allowHttp,
    });
    try {
      const token = await scmRoundTrip(ctx, 'gitlab', () =>
        exchangeGitLabOAuthCode(
          http,
          { applicationId: app.applicationId, secret: app.secret },
          {
            code,
            redirectUri: `${input.origin}${gitLabCallbackPath}`,
            codeVerifier: flow.secrets.codeVerifier ?? '',
          },
        ),
      );
      const user = await scmRoundTrip(ctx, 'gitlab', () => gitLabOAuthUser(http, token), {
        [gitLabUserNotActive]: notActive,
      });
      if (user.state !== 'active') throw notActive();
      return {
        provider: 'gitlab',
        issuer: app.webUrl,
        subject: user.id,
        login: user.username,
        email: user.email,
        name: user.name,
      };
    } finally {
      await http.close();
    }
  });
}
