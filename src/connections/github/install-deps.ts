import type { Db } from '../../db/database.js';
import type { GitHubAppClients } from '../../scm/github/app-clients.js';
import type { GitHubAppCredentials } from '../../scm/github/app-credentials.js';
import type { SecretBox } from '../../secrets/index.js';

/** A GitHub Enterprise Server connection of an account, whose own app a flow talks as. */
export interface EnterpriseConnectionRef {
  readonly accountId: string;
  readonly connectionId: string;
}

/** The app an install flow talks as, with its clients. */
export interface FlowApp {
  /** `github`: the instance's app on github.com; `github-enterprise`: a connection's app on its instance. */
  readonly kind: 'github' | 'github-enterprise';
  readonly credentials: GitHubAppCredentials;
  readonly clients: GitHubAppClients;
}

/** What the install flow needs of the service: storage, the clock, and the apps it may talk as. */
export interface GitHubInstallDeps {
  readonly db: Db;
  readonly secrets: SecretBox;
  readonly now: () => Date;
  /**
   * The instance's app (no argument) or the app of a GitHub Enterprise Server connection; undefined while it is
   * not set up (registered).
   */
  readonly app: (connection?: EnterpriseConnectionRef) => Promise<FlowApp | undefined>;
}
