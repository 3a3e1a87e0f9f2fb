import type { Shapes } from './shapes.js';
import { iso, type GitHubState, type InstallationRecord, type UserRecord } from './state.js';
import type { TwinWebhooks } from './webhooks.js';

/**
 * What an owner does to an installation in the organization's "Installed GitHub Apps" settings, with the
 * `installation` events GitHub sends the app for it ("Webhook events and payloads": `installation` with action
 * `deleted`, `suspend`, `unsuspend`; `sender` is the owner).
 */
export interface OwnerActions {
  /** Uninstall: the installation and its tokens are gone. */
  uninstall(installationId: number, by?: string): Promise<void>;
  suspend(installationId: number, by?: string): Promise<void>;
  unsuspend(installationId: number, by?: string): Promise<void>;
}

export function createOwnerActions(
  state: GitHubState,
  webhooks: TwinWebhooks,
  shapes: () => Shapes,
): OwnerActions {
  const find = (id: number): InstallationRecord => {
    const installation = state.installations.get(id);
    if (!installation) throw new Error(`unknown installation ${id}`);
    return installation;
  };
  const ownerOf = (installation: InstallationRecord, by: string | undefined): UserRecord => {
    if (by) return state.requireUser(by);
    const org = state.orgByLogin(installation.account);
    const admin = org && [...org.members].find(([, role]) => role === 'admin')?.[0];
    return admin !== undefined ? state.users.get(admin)! : state.requireUser(installation.account);
  };
  const send = async (installation: InstallationRecord, action: string, sender: UserRecord) => {
    const app = state.apps.get(installation.appId)!;
    await webhooks.deliver(
      app,
      'installation',
      { action, installation: shapes().installation(installation), sender: shapes().user(sender) },
      { action, installationId: installation.id },
    );
  };
  return {
    async uninstall(id, by) {
      const installation = find(id);
      const sender = ownerOf(installation, by);
      const payload = shapes().installation(installation);
      state.installations.delete(id);
      for (const token of state.tokens.values()) {
        if (token.installationId === id) token.revoked = true;
      }
      const app = state.apps.get(installation.appId)!;
      await webhooks.deliver(
        app,
        'installation',
        { action: 'deleted', installation: payload, sender: shapes().user(sender) },
        { action: 'deleted', installationId: id },
      );
    },
    async suspend(id, by) {
      const installation = find(id);
      installation.suspendedAt = iso(state.now());
      await send(installation, 'suspend', ownerOf(installation, by));
    },
    async unsuspend(id, by) {
      const installation = find(id);
      installation.suspendedAt = null;
      await send(installation, 'unsuspend', ownerOf(installation, by));
    },
  };
}
