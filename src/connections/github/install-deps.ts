import type { Db } from '../../db/database.js';
import type { SecretBox } from '../../secrets/index.js';
import type { GitHubAppClients } from '../../scm/github/app-clients.js';
import type { GitHubAppCredentials } from '../../scm/github/app-credentials.js';

/** What the install flow needs of the service: storage, the clock, the instance's app and its clients. */
export interface GitHubInstallDeps {
  readonly db: Db;
  readonly secrets: SecretBox;
  readonly now: () => Date;
  /** The instance's GitHub App, or undefined while none is set up. */
  readonly app: () => Promise<GitHubAppCredentials | undefined>;
  readonly clients: (credentials: GitHubAppCredentials) => GitHubAppClients;
}
