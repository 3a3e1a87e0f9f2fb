import type { ComponentType } from 'react';
import { findScmKind, type ScmKind, type ScmKindId } from '../../core/scm-kinds.js';
import type { AccountSummary, Connection } from '../api/schemas.js';
import type { FormKindId } from './connection-input.js';
import { FormConnectDialog } from './form-connect-dialog.js';
import { GitHubConnectDialog } from './github-connect-dialog.js';

/** What every kind's connect dialog gets. */
export interface ConnectDialogProps {
  readonly account: AccountSummary;
  readonly onClose: () => void;
  /** Called once a connection was created, so the list reloads. */
  readonly onConnected: (connection: Connection) => void;
}

const kind = (id: ScmKindId): ScmKind => findScmKind(id)!;
const formKind = <K extends FormKindId>(id: K) => kind(id) as ScmKind & { readonly id: K };

const formDialog = (id: FormKindId) => {
  const FormKindDialog = ({ account, onClose, onConnected }: ConnectDialogProps) => (
    <FormConnectDialog
      kind={formKind(id)}
      accountId={account.id}
      onClose={onClose}
      onConnected={onConnected}
    />
  );
  return FormKindDialog;
};

export const ConnectGitHubDialog = ({ account, onClose }: ConnectDialogProps) => (
  <GitHubConnectDialog accountId={account.id} onClose={onClose} />
);

/** Add GitHub Enterprise: the owner organization and the instance; its app is registered from the entry. */
export const ConnectGitHubEnterpriseDialog = ({ account, onClose, onConnected }: ConnectDialogProps) => (
  <FormConnectDialog
    kind={formKind('github-enterprise')}
    accountId={account.id}
    intro={
      <p className="muted">
        The organization you name here will own scm-connect’s GitHub App on your instance; you must be one of
        its owners there. After <strong>Connect</strong>, click <strong>Register app</strong> on the new
        entry: you name the app on your instance and install it on this organization.
      </p>
    }
    onClose={onClose}
    onConnected={onConnected}
  />
);

export const ConnectGitLabDialog = formDialog('gitlab');
export const ConnectGitLabSelfManagedDialog = formDialog('gitlab-self-managed');
export const ConnectBitbucketCloudDialog = formDialog('bitbucket-cloud');
export const ConnectBitbucketDataCenterDialog = formDialog('bitbucket-data-center');
export const ConnectAzureDevOpsDialog = formDialog('azure-devops');

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
