import type { ServiceContext } from '../../context.js';
import { gitHubSignInAppFor, gitHubSignInAppOfCallback } from './github-apps.js';
import { gitHubSignedInUser } from './github-user.js';
import {
  finishScmSignIn,
  scmRoundTrip,
  startScmSignIn,
  type FinishedSignIn,
  type SignInCallback,
  type SignInRedirect,
  type SignInStart,
} from './flow.js';
import { flowExpired, SignInRefusal } from './refusal.js';

/**
 * Sign in with GitHub: GitHub's authorize page for the app of `webRoot` (the instance's app on github.com, an
 * Enterprise Server's registered app), with a single-use `state` and a PKCE challenge.
 */
export async function startGitHubSignIn(
  ctx: ServiceContext,
  input: SignInStart & { readonly webRoot: string },
): Promise<SignInRedirect> {
  const app = await gitHubSignInAppFor(ctx, input.webRoot);
  if (!app) {
    throw new SignInRefusal('provider_refused', 'No GitHub App signs people in on that GitHub host.');
  }
  return startScmSignIn(ctx, input, {
    provider: 'github',
    providerRef: app.ref,
    endpoint: `${app.webRoot}/login/oauth/authorize`,
    params: {
      client_id: app.clients.credentials.clientId,
      redirect_uri: `${input.origin}${app.callbackPath}`,
    },
  });
}

/**
 * GitHub's redirect back: the flow taken once (this browser's, this app's), the code exchanged with the PKCE
 * verifier, and the person read from `GET /user`.
 */
export function finishGitHubSignIn(
  ctx: ServiceContext,
  input: SignInCallback & {
    /** The Enterprise Server connection whose callback was reached; absent for the instance's app. */
    readonly connectionId?: string;
  },
): Promise<FinishedSignIn> {
  return finishScmSignIn(ctx, 'github', input, async (flow, code) => {
    const app = await gitHubSignInAppOfCallback(ctx, input.connectionId);
    if (!app || app.ref !== flow.providerRef) throw flowExpired();
    const redirectUri = `${input.origin}${app.callbackPath}`;
    const user = await scmRoundTrip(ctx, 'github', async () => {
      const token = await app.clients.exchangeCode(code, redirectUri, flow.secrets.codeVerifier);
      return gitHubSignedInUser(app.clients.user(token));
    });
    return {
      provider: 'github',
      issuer: app.webRoot,
      subject: user.id,
      login: user.login,
      email: user.email,
      name: user.name,
    };
  });
}
