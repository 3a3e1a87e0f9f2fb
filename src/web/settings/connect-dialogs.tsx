import type { ComponentType } from 'react';
import { findScmKind, type ScmKind, type ScmKindId } from '../../core/scm-kinds.js';
import type { AccountSummary, Connection } from '../api/schemas.js';
import type { TokenKindId } from './connection-input.js';
import { GitHubConnectDialog } from './github-connect-dialog.js';
import { PendingConnectDialog } from './pending-connect-dialog.js';
import { TokenConnectDialog } from './token-connect-dialog.js';

/** What every kind's connect dialog gets; a kind's real flow replaces its entry in `connectDialogs`. */
export interface ConnectDialogProps {
  readonly account: AccountSummary;
  readonly onClose: () => void;
  /** Called once a connection was created, so the list reloads. */
  readonly onConnected: (connection: Connection) => void;
}

const kind = (id: ScmKindId): ScmKind => findScmKind(id)!;
const tokenKind = <K extends TokenKindId>(id: K) => kind(id) as ScmKind & { readonly id: K };

const tokenDialog = (id: TokenKindId) => {
  const TokenKindDialog = ({ account, onClose, onConnected }: ConnectDialogProps) => (
    <TokenConnectDialog
      kind={tokenKind(id)}
      accountId={account.id}
      onClose={onClose}
      onConnected={onConnected}
    />
  );
  return TokenKindDialog;
};

export const ConnectGitHubDialog = ({ account, onClose }: ConnectDialogProps) => (
  <GitHubConnectDialog accountId={account.id} onClose={onClose} />
);

export const ConnectGitHubEnterpriseDialog = ({ onClose }: ConnectDialogProps) => (
  <PendingConnectDialog kind={kind('github-enterprise')} onClose={onClose} />
);

export const ConnectGitLabDialog = tokenDialog('gitlab');
export const ConnectGitLabSelfManagedDialog = tokenDialog('gitlab-self-managed');
export const ConnectBitbucketCloudDialog = tokenDialog('bitbucket-cloud');
export const ConnectBitbucketDataCenterDialog = tokenDialog('bitbucket-data-center');
export const ConnectAzureDevOpsDialog = tokenDialog('azure-devops');

/** The dialog of each kind, opened by its button on Settings > Source Code Managers. */
export const connectDialogs: Readonly<Record<ScmKindId, ComponentType<ConnectDialogProps>>> = {
  github: ConnectGitHubDialog,
  'github-enterprise': ConnectGitHubEnterpriseDialog,
  gitlab: ConnectGitLabDialog,
  'gitlab-self-managed': ConnectGitLabSelfManagedDialog,
  'bitbucket-cloud': ConnectBitbucketCloudDialog,
  'bitbucket-data-center': ConnectBitbucketDataCenterDialog,
  'azure-devops': ConnectAzureDevOpsDialog,
};
