import type { ComponentType } from 'react';
import { findScmKind, type ScmKind, type ScmKindId } from '../../core/scm-kinds.js';
import type { AccountSummary } from '../api/schemas.js';
import { PendingConnectDialog } from './pending-connect-dialog.js';

/** What every kind's connect dialog gets; a kind's real flow replaces its entry in `connectDialogs`. */
export interface ConnectDialogProps {
  readonly account: AccountSummary;
  readonly onClose: () => void;
  /** Called once a connection was created, so the list reloads. */
  readonly onConnected: () => void;
}

const kind = (id: ScmKindId): ScmKind => findScmKind(id)!;

export const ConnectGitHubDialog = ({ onClose }: ConnectDialogProps) => (
  <PendingConnectDialog kind={kind('github')} onClose={onClose} />
);

export const ConnectGitHubEnterpriseDialog = ({ onClose }: ConnectDialogProps) => (
  <PendingConnectDialog kind={kind('github-enterprise')} onClose={onClose} />
);

export const ConnectGitLabDialog = ({ onClose }: ConnectDialogProps) => (
  <PendingConnectDialog kind={kind('gitlab')} onClose={onClose} />
);

export const ConnectGitLabSelfManagedDialog = ({ onClose }: ConnectDialogProps) => (
  <PendingConnectDialog kind={kind('gitlab-self-managed')} onClose={onClose} />
);

export const ConnectBitbucketCloudDialog = ({ onClose }: ConnectDialogProps) => (
  <PendingConnectDialog kind={kind('bitbucket-cloud')} onClose={onClose} />
);

export const ConnectBitbucketDataCenterDialog = ({ onClose }: ConnectDialogProps) => (
  <PendingConnectDialog kind={kind('bitbucket-data-center')} onClose={onClose} />
);

export const ConnectAzureDevOpsDialog = ({ onClose }: ConnectDialogProps) => (
  <PendingConnectDialog kind={kind('azure-devops')} onClose={onClose} />
);

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
