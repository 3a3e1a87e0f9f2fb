/**
 * The seven kinds of source code manager, with what the admin provides for each: the labels are the ones of
 * the product's "Connect a source code manager" flows, so the UI, the API and the CLI speak alike.
 */
export const scmKindIds = [
  'github',
  'github-enterprise',
  'gitlab',
  'gitlab-self-managed',
  'bitbucket-cloud',
  'bitbucket-data-center',
  'azure-devops',
] as const;

export type ScmKindId = (typeof scmKindIds)[number];

export type ScmFieldId =
  'organization' | 'group' | 'workspace' | 'projectKey' | 'baseUrl' | 'token' | 'email';

export interface ScmField {
  readonly id: ScmFieldId;
  readonly label: string;
  readonly secret?: boolean;
  readonly optional?: boolean;
  readonly help?: string;
}

export interface ScmKind {
  readonly id: ScmKindId;
  /** How the UI names the kind everywhere (lists, dialogs, messages); the same words as its button. */
  readonly name: string;
  /** The button on Settings > Source Code Managers. */
  readonly addLabel: string;
  /** The dialog's title. */
  readonly dialogTitle: string;
  readonly hosting: 'cloud' | 'self-managed';
  /** How it connects: `app` is a GitHub App install, `token` an access token the admin pastes. */
  readonly connectsWith: 'app' | 'app-manifest' | 'token';
  readonly fields: readonly ScmField[];
  /** The public web root of the cloud kinds; self-managed kinds take the admin's URL. */
  readonly cloudWebUrl?: string;
}

const token: ScmField = { id: 'token', label: 'Access token', secret: true };

export const scmKinds: readonly ScmKind[] = [
  {
    id: 'github',
    name: 'GitHub',
    addLabel: 'Connect to GitHub',
    dialogTitle: 'Connect to GitHub',
    hosting: 'cloud',
    connectsWith: 'app',
    fields: [],
    cloudWebUrl: 'https://github.com',
  },
  {
    id: 'github-enterprise',
    name: 'GitHub Enterprise Server',
    addLabel: 'Add GitHub Enterprise',
    dialogTitle: 'Connect your GitHub Organization',
    hosting: 'self-managed',
    connectsWith: 'app-manifest',
    fields: [
      { id: 'organization', label: 'Name of your GitHub Organization' },
      {
        id: 'baseUrl',
        label: 'URL',
        help: 'The address of your GitHub Enterprise Server, e.g. https://github.example.com',
      },
    ],
  },
  {
    id: 'gitlab',
    name: 'GitLab Cloud',
    addLabel: 'Add GitLab Cloud',
    dialogTitle: 'Connect your GitLab Cloud Group',
    hosting: 'cloud',
    connectsWith: 'token',
    fields: [
      { ...token, help: 'A personal or group access token with the `api` scope.' },
      {
        id: 'group',
        label: 'Name of your GitLab Group',
        help: 'The top-level group; its subgroups are included.',
      },
    ],
    cloudWebUrl: 'https://gitlab.com',
  },
  {
    id: 'gitlab-self-managed',
    name: 'GitLab Self-Managed',
    addLabel: 'Add GitLab Self-Managed',
    dialogTitle: 'Connect your GitLab Self-Managed Group',
    hosting: 'self-managed',
    connectsWith: 'token',
    fields: [
      { ...token, help: 'A personal or group access token with the `api` scope.' },
      {
        id: 'baseUrl',
        label: 'URL',
        help: 'The address of your GitLab instance, e.g. https://gitlab.example.com',
      },
      {
        id: 'group',
        label: 'Name of your GitLab Group',
        help: 'The top-level group; its subgroups are included.',
      },
    ],
  },
  {
    id: 'bitbucket-cloud',
    name: 'Bitbucket Cloud',
    addLabel: 'Add Bitbucket Cloud',
    dialogTitle: 'Connect your Bitbucket Workspace',
    hosting: 'cloud',
    connectsWith: 'token',
    fields: [
      { id: 'workspace', label: 'Name of your Bitbucket Workspace' },
      {
        ...token,
        help: 'A workspace access token with `repository` (`account` to read members), or an Atlassian API token with `read:workspace:bitbucket` and `read:repository:bitbucket` together with your email.',
      },
      {
        id: 'email',
        label: 'Atlassian account email',
        optional: true,
        help: 'Only for an Atlassian API token; leave empty for a workspace access token.',
      },
    ],
    cloudWebUrl: 'https://bitbucket.org',
  },
  {
    id: 'bitbucket-data-center',
    name: 'Bitbucket Data Center',
    addLabel: 'Add Bitbucket Data Center',
    dialogTitle: 'Connect your Bitbucket project (key)',
    hosting: 'self-managed',
    connectsWith: 'token',
    fields: [
      {
        id: 'projectKey',
        label: 'Name of your Bitbucket project (key)',
        help: 'The project key, as listed at <your Bitbucket URL>/projects.',
      },
      {
        id: 'baseUrl',
        label: 'URL',
        help: 'The address of your Bitbucket Data Center, e.g. https://bitbucket.example.com',
      },
      { ...token, label: 'Access Token', help: 'An HTTP access token of the project (or a personal one).' },
    ],
  },
  {
    id: 'azure-devops',
    name: 'Azure DevOps',
    addLabel: 'Add Azure DevOps',
    dialogTitle: 'Connect your Azure DevOps organization',
    hosting: 'cloud',
    connectsWith: 'token',
    fields: [
      { id: 'organization', label: 'Name of your Azure DevOps organization' },
      { ...token, help: 'A personal access token.' },
    ],
    cloudWebUrl: 'https://dev.azure.com',
  },
];

export const findScmKind = (id: string): ScmKind | undefined => scmKinds.find((kind) => kind.id === id);
