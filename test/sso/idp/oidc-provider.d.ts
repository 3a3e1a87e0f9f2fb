/** The part of oidc-provider (which ships no types) the test identity provider uses. */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface ClaimsOf {
    readonly accountId: string;
    claims(): Promise<Record<string, unknown>>;
  }

  export interface GrantInstance {
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
  }

  export interface OidcContext {
    readonly oidc: {
      readonly client: { readonly clientId: string } | undefined;
      readonly session: {
        readonly accountId: string | undefined;
        grantIdFor(clientId: string): string | undefined;
      };
      readonly result?: { readonly consent?: { readonly grantId?: string } };
    };
  }

  export interface InteractionDetails {
    readonly uid: string;
    readonly prompt: { readonly name: string };
    readonly params: Record<string, unknown>;
  }

  export interface Configuration {
    readonly clients: readonly Record<string, unknown>[];
    readonly claims?: Record<string, readonly string[]>;
    readonly scopes?: readonly string[];
    readonly cookies?: { readonly keys: readonly string[] };
    readonly features?: Record<string, unknown>;
    readonly pkce?: { readonly required: () => boolean };
    readonly interactions?: { readonly url: (ctx: unknown, interaction: { uid: string }) => string };
    readonly findAccount: (ctx: unknown, id: string) => Promise<ClaimsOf | undefined>;
    readonly loadExistingGrant?: (ctx: OidcContext) => Promise<GrantInstance | undefined>;
    readonly renderError?: (ctx: { body: unknown; type: string }, out: Record<string, unknown>) => void;
    readonly ttl?: Record<string, number>;
  }

  export default class Provider {
    constructor(issuer: string, configuration: Configuration);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    readonly Grant: {
      new (init: { clientId: string; accountId: string }): GrantInstance;
      find(id: string): Promise<GrantInstance | undefined>;
    };
    on(event: string, listener: (...args: unknown[]) => void): void;
  }
}
