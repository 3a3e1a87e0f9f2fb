import { createCiJobsApi, type CiJobsApi } from './ci-jobs-client.js';
import { createCommentSettingsApi, type CommentSettingsApi } from './comment-settings-client.js';
import { createConnectionsApi, type ConnectionsApi } from './connections-client.js';
import { createFindingsApi, type FindingsApi } from './findings-client.js';
import { ApiError, type Http, type RequestOptions } from './http.js';
import { createGitHubAppApi, type GitHubAppApi } from './github-app-client.js';
import { createGitHubInstallApi, type GitHubInstallApi } from './github-install-client.js';
import { createJobsApi, type JobsApi } from './jobs-client.js';
import { createGitLabOAuthAppsApi, type GitLabOAuthAppsApi } from './gitlab-oauth-apps-client.js';
import { createMembershipApi, type MembershipApi } from './membership-client.js';
import { createSignInApi, type SignInApi } from './sign-in-client.js';
import { createSsoApi, type SsoApi } from './sso-client.js';
import {
  accountListSchema,
  accountSummarySchema,
  addMemberResultSchema,
  apiTokenListSchema,
  connectionListSchema,
  createdTokenSchema,
  invitationInfoSchema,
  memberListSchema,
  sessionSchema,
  setupStatusSchema,
  type AccountSummary,
  type AddMemberResult,
  type ApiToken,
  type Connection,
  type CreatedToken,
  type InvitationInfo,
  type Member,
  type Role,
  type Session,
  type TokenRole,
} from './schemas.js';

export interface SetupInput {
  readonly token: string;
  readonly email: string;
  readonly name: string;
  readonly password: string;
  readonly accountName: string;
}

/** The calls the UI makes to `/api/v1`. Every call that answers a Session also arms the CSRF token. */
export interface ApiClient
  extends
    ConnectionsApi,
    JobsApi,
    GitHubInstallApi,
    GitHubAppApi,
    FindingsApi,
    CommentSettingsApi,
    CiJobsApi,
    SignInApi,
    MembershipApi,
    SsoApi,
    GitLabOAuthAppsApi {
  setupStatus(options?: RequestOptions): Promise<{ needed: boolean }>;
  completeSetup(input: SetupInput): Promise<Session>;
  /** Resolves `null` when nobody is signed in. */
  currentSession(options?: RequestOptions): Promise<Session | null>;
  signIn(email: string, password: string): Promise<Session>;
  signOut(): Promise<void>;
  switchAccount(accountId: string): Promise<Session>;
  listAccounts(options?: RequestOptions): Promise<AccountSummary[]>;
  createAccount(name: string): Promise<AccountSummary>;
  /** Admin only; answers the account with its new name. */
  renameAccount(accountId: string, name: string): Promise<AccountSummary>;
  listMembers(accountId: string, options?: RequestOptions): Promise<Member[]>;
  addMember(accountId: string, email: string, role: Role): Promise<AddMemberResult>;
  changeMemberRole(accountId: string, userId: string, role: Role): Promise<void>;
  removeMember(accountId: string, userId: string): Promise<void>;
  invitation(token: string, options?: RequestOptions): Promise<InvitationInfo>;
  acceptInvitation(token: string, name: string, password: string): Promise<Session>;
  /** Accepts an invitation with the signed-in user. */
  joinInvitation(token: string): Promise<Session>;
  listTokens(accountId: string, options?: RequestOptions): Promise<ApiToken[]>;
  createToken(accountId: string, name: string, role: TokenRole): Promise<CreatedToken>;
  revokeToken(accountId: string, tokenId: string): Promise<void>;
  listConnections(accountId: string, options?: RequestOptions): Promise<Connection[]>;
}

const seg = encodeURIComponent;
const accountPath = (accountId: string) => `/api/v1/accounts/${seg(accountId)}`;

export const createApiClient = (http: Http): ApiClient => {
  const armed = (session: Session): Session => {
    http.setCsrfToken(session.csrfToken);
    return session;
  };

  return {
    ...createConnectionsApi(http),
    ...createJobsApi(http),
    ...createGitHubInstallApi(http),
    ...createGitHubAppApi(http),
    ...createFindingsApi(http),
    ...createCommentSettingsApi(http),
    ...createCiJobsApi(http),
    ...createSignInApi(http),
    ...createMembershipApi(http),
    ...createSsoApi(http),
    ...createGitLabOAuthAppsApi(http),

    setupStatus: (options) => http.request('GET', '/api/v1/setup', setupStatusSchema, undefined, options),

    completeSetup: async (input) =>
      armed(await http.request('POST', '/api/v1/setup', sessionSchema, input, { anonymous: true })),

    async currentSession(options = {}) {
      try {
        return armed(
          await http.request('GET', '/api/v1/session', sessionSchema, undefined, {
            ...options,
            anonymous: true,
          }),
        );
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          http.setCsrfToken(null);
          return null;
        }
        throw error;
      }
    },

    signIn: async (email, password) =>
      armed(
        await http.request(
          'POST',
          '/api/v1/session',
          sessionSchema,
          { email, password },
          { anonymous: true },
        ),
      ),

    async signOut() {
      await http.requestEmpty('DELETE', '/api/v1/session', {}, { anonymous: true });
      http.setCsrfToken(null);
    },

    switchAccount: async (accountId) =>
      armed(await http.request('PUT', '/api/v1/session/account', sessionSchema, { accountId })),

    listAccounts: async (options) =>
      (await http.request('GET', '/api/v1/accounts', accountListSchema, undefined, options)).items,

    createAccount: (name) => http.request('POST', '/api/v1/accounts', accountSummarySchema, { name }),

    renameAccount: (accountId, name) =>
      http.request('PATCH', accountPath(accountId), accountSummarySchema, { name }),

    listMembers: async (accountId, options) =>
      (await http.request('GET', `${accountPath(accountId)}/members`, memberListSchema, undefined, options))
        .items,

    addMember: (accountId, email, role) =>
      http.request('POST', `${accountPath(accountId)}/members`, addMemberResultSchema, { email, role }),

    changeMemberRole: (accountId, userId, role) =>
      http.requestEmpty('PATCH', `${accountPath(accountId)}/members/${seg(userId)}`, { role }),

    removeMember: (accountId, userId) =>
      http.requestEmpty('DELETE', `${accountPath(accountId)}/members/${seg(userId)}`, {}),

    invitation: (token, options = {}) =>
      http.request('GET', `/api/v1/invitations/${seg(token)}`, invitationInfoSchema, undefined, {
        ...options,
        anonymous: true,
      }),

    acceptInvitation: async (token, name, password) =>
      armed(
        await http.request(
          'POST',
          `/api/v1/invitations/${seg(token)}/accept`,
          sessionSchema,
          { name, password },
          { anonymous: true },
        ),
      ),

    joinInvitation: async (token) =>
      armed(await http.request('POST', `/api/v1/invitations/${seg(token)}/join`, sessionSchema, {})),

    listTokens: async (accountId, options) =>
      (await http.request('GET', `${accountPath(accountId)}/tokens`, apiTokenListSchema, undefined, options))
        .items,

    createToken: (accountId, name, role) =>
      http.request('POST', `${accountPath(accountId)}/tokens`, createdTokenSchema, { name, role }),

    revokeToken: (accountId, tokenId) =>
      http.requestEmpty('DELETE', `${accountPath(accountId)}/tokens/${seg(tokenId)}`, {}),

    listConnections: async (accountId, options) =>
      (
        await http.request(
          'GET',
          `${accountPath(accountId)}/connections`,
          connectionListSchema,
          undefined,
          options,
        )
      ).items,
  };
};
