import { newInvitation, invitationShape } from './org-invitations.js';
import type { Shapes } from './shapes.js';
import type { DeliveryRecord, GitHubState, OrgRecord, UserRecord } from './state.js';
import type { TwinWebhooks } from './webhooks.js';

/**
 * What an owner does on an organization's People page, with the `organization` events GitHub sends the apps
 * installed on it that subscribe to `organization` ("Webhook events and payloads": `member_added`,
 * `member_removed`, `member_invited`; `membership` {url, state, role, organization_url, user}, `organization`,
 * `sender` = the owner, `installation`). GitHub documents no event for a role change.
 */
export interface OrgMemberActions {
  /**
   * Removes a member: `member_removed`, and from then on the membership endpoints answer 404 and the person no
   * longer sees the organization's private repositories (a repository collaborator stays one, as an outside
   * collaborator). Withdrawing a pending invitation instead sends nothing.
   */
  removeOrgMember(org: string, login: string, by?: string): Promise<DeliveryRecord[]>;
  /** Adds a member (as accepting their pending invitation does): `member_added`. Default role `member`. */
  addOrgMember(org: string, login: string, role?: 'admin' | 'member', by?: string): Promise<DeliveryRecord[]>;
  /** Invites a person: their membership is `pending` until `addOrgMember`: `member_invited`. */
  inviteOrgMember(
    org: string,
    login: string,
    role?: 'admin' | 'member',
    by?: string,
  ): Promise<DeliveryRecord[]>;
  /** Makes a member an owner (`admin`) or a plain member; no webhook, as on GitHub. */
  setOrgMemberRole(org: string, login: string, role: 'admin' | 'member'): void;
}

export function createOrgMemberActions(
  state: GitHubState,
  webhooks: TwinWebhooks,
  shapes: () => Shapes,
): OrgMemberActions {
  const orgOf = (login: string): OrgRecord => {
    const org = state.orgByLogin(login);
    if (!org) throw new Error(`unknown organization ${login}`);
    return org;
  };
  /** The acting owner: `by`, else the organization's first owner other than the subject. */
  const senderOf = (org: OrgRecord, subject: UserRecord, by: string | undefined): UserRecord => {
    if (by) return state.requireUser(by);
    const owner = [...org.members].find(([id, role]) => role === 'admin' && id !== subject.id)?.[0];
    return owner === undefined ? subject : state.users.get(owner)!;
  };
  const membership = (org: OrgRecord, user: UserRecord, role: 'admin' | 'member') => {
    const full = shapes().orgMembership(org, user, role, 'active');
    return {
      url: full.url,
      state: full.state,
      role: full.role,
      organization_url: full.organization_url,
      user: full.user,
    };
  };

  /** Sends `organization` to every app installed on the organization that subscribes to it. */
  async function send(org: OrgRecord, action: string, sender: UserRecord, payload: Record<string, unknown>) {
    const s = shapes();
    const sent: Promise<DeliveryRecord>[] = [];
    for (const installation of state.installations.values()) {
      if (installation.account.toLowerCase() !== org.login.toLowerCase()) continue;
      if (installation.suspendedAt !== null || !installation.events.includes('organization')) continue;
      const app = state.apps.get(installation.appId);
      if (!app) continue;
      sent.push(
        webhooks.deliver(
          app,
          'organization',
          {
            action,
            ...payload,
            organization: s.orgSimple(org),
            sender: s.user(sender),
            installation: {
              id: installation.id,
              node_id: s.nodeId('Integration::Installation', installation.id),
            },
          },
          { action, installationId: installation.id },
        ),
      );
    }
    return Promise.all(sent);
  }

  return {
    async removeOrgMember(orgLogin, login, by) {
      const org = orgOf(orgLogin);
      const user = state.requireUser(login);
      const role = org.members.get(user.id);
      if (!role) {
        if (!org.invitations.delete(user.id)) throw new Error(`${login} is not a member of ${org.login}`);
        return [];
      }
      const sender = senderOf(org, user, by);
      org.members.delete(user.id);
      return send(org, 'member_removed', sender, { membership: membership(org, user, role) });
    },
    async addOrgMember(orgLogin, login, role = 'member', by) {
      const org = orgOf(orgLogin);
      const user = state.requireUser(login);
      org.invitations.delete(user.id);
      org.members.set(user.id, role);
      return send(org, 'member_added', senderOf(org, user, by), { membership: membership(org, user, role) });
    },
    async inviteOrgMember(orgLogin, login, role = 'member', by) {
      const org = orgOf(orgLogin);
      const user = state.requireUser(login);
      if (org.members.has(user.id)) throw new Error(`${login} is already a member of ${org.login}`);
      const sender = senderOf(org, user, by);
      const invitation = newInvitation(state, role, sender);
      org.invitations.set(user.id, invitation);
      return send(org, 'member_invited', sender, {
        invitation: invitationShape(state, shapes(), org, user, invitation),
        user: shapes().user(user),
      });
    },
    setOrgMemberRole(orgLogin, login, role) {
      const org = orgOf(orgLogin);
      const user = state.requireUser(login);
      if (!org.members.has(user.id)) throw new Error(`${login} is not a member of ${org.login}`);
      org.members.set(user.id, role);
    },
  };
}
