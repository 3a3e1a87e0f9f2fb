import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type GrantInstance } from 'oidc-provider';

/** A person of the test identity provider, with the claims it releases. */
export interface OidcTestUser {
  readonly sub: string;
  readonly email?: string;
  readonly email_verified?: boolean;
  readonly name?: string;
  readonly groups?: readonly string[];
}

export interface OidcTestIdp {
  /** The issuer (`http://127.0.0.1:{port}`). */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The person the IdP signs in at its next authorization request (as if they typed their password). */
  signInAs(user: OidcTestUser): void;
  /** The next authorization request is cancelled by the person (`access_denied`). */
  cancelNext(): void;
  close(): Promise<void>;
}

/**
 * A real OpenID Connect provider (oidc-provider, a certified implementation) on loopback, with one confidential
 * client registered for scm-connect's redirect URL. Its interaction is minimal: whoever `signInAs` named is
 * signed in at once and consent is implied, so a test drives the whole flow with HTTP redirects.
 */
export async function startOidcIdp(input: { readonly redirectUri: string }): Promise<OidcTestIdp> {
  const clientId = 'scm-connect-test';
  const clientSecret = 'client-secret-of-the-test-idp-0123456789';
  const users = new Map<string, OidcTestUser>();
  let current: OidcTestUser | undefined;
  let cancel = false;

  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider: Provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [input.redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: { email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    cookies: { keys: ['oidc-test-idp-cookie-key'] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    ttl: {
      Interaction: 600,
      Grant: 3600,
      Session: 3600,
      AccessToken: 600,
      IdToken: 600,
      AuthorizationCode: 60,
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, id) {
      const user = users.get(id);
      return user && { accountId: id, claims: async () => ({ ...user }) };
    },
    // Consent is implied: every scope the client asks for is granted.
    async loadExistingGrant(ctx): Promise<GrantInstance | undefined> {
      const { client, session, result } = ctx.oidc;
      if (!client || !session.accountId) return undefined;
      const grantId = result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      const existing: GrantInstance | undefined = grantId ? await provider.Grant.find(grantId) : undefined;
      if (existing) return existing;
      const grant = new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid email profile groups');
      await grant.save();
      return grant;
    },
  });
  const handle = provider.callback();
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!req.url?.startsWith('/interaction/')) {
      handle(req, res);
      return;
    }
    void (async () => {
      await provider.interactionDetails(req, res);
      if (cancel || !current) {
        cancel = false;
        await provider.interactionFinished(req, res, {
          error: 'access_denied',
          error_description: 'The person cancelled.',
        });
        return;
      }
      users.set(current.sub, current);
      await provider.interactionFinished(req, res, { login: { accountId: current.sub } });
    })().catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });

  return {
    issuer,
    clientId,
    clientSecret,
    signInAs(user) {
      current = user;
    },
    cancelNext() {
      cancel = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
