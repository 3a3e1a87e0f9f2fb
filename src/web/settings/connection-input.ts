import type { NewConnection } from '../api/connections-client.js';

/** What the connect form holds: one text per field of the kind, plus `caPem` for the self-managed kinds. */
export type ConnectFormValues = Readonly<Record<string, string>>;

/** The kinds whose Connect dialog is a form: the token kinds and GitHub Enterprise Server. */
export type FormKindId = NewConnection['kind'];

export type TokenKindId = Exclude<FormKindId, 'github-enterprise'>;

export const tokenKindIds: readonly TokenKindId[] = [
  'gitlab',
  'gitlab-self-managed',
  'bitbucket-cloud',
  'bitbucket-data-center',
  'azure-devops',
];

export const isTokenKind = (id: string): id is TokenKindId =>
  (tokenKindIds as readonly string[]).includes(id);

/**
 * The kinds whose URL and CA certificate (of an instance signed by a private CA) can be changed after connecting;
 * GitHub Enterprise Server takes a CA certificate when it is added, and keeps both as added.
 */
export const takesCaCertificate = (id: string): boolean =>
  id === 'gitlab-self-managed' || id === 'bitbucket-data-center';

/** Trimmed text; a PEM keeps its lines but loses surrounding blank space. */
const text = (values: ConnectFormValues, id: string): string => (values[id] ?? '').trim();

/** `{ [id]: value }` when the value is not empty, else nothing: optional fields are left out, not sent blank. */
const optional = <K extends string>(values: ConnectFormValues, id: K): { [P in K]?: string } => {
  const value = text(values, id);
  return (value ? { [id]: value } : {}) as { [P in K]?: string };
};

/** The request body of `POST …/connections` for what the admin typed into a kind's dialog. */
export const buildNewConnection = (kind: FormKindId, values: ConnectFormValues): NewConnection => {
  const token = text(values, 'token');
  switch (kind) {
    case 'github-enterprise':
      return {
        kind,
        organization: text(values, 'organization'),
        baseUrl: text(values, 'baseUrl'),
        ...optional(values, 'caPem'),
      };
    case 'gitlab':
      return { kind, group: text(values, 'group'), token };
    case 'gitlab-self-managed':
      return {
        kind,
        baseUrl: text(values, 'baseUrl'),
        group: text(values, 'group'),
        token,
        ...optional(values, 'caPem'),
      };
    case 'bitbucket-cloud':
      return { kind, workspace: text(values, 'workspace'), token, ...optional(values, 'email') };
    case 'bitbucket-data-center':
      return {
        kind,
        projectKey: text(values, 'projectKey'),
        baseUrl: text(values, 'baseUrl'),
        token,
        ...optional(values, 'caPem'),
      };
    case 'azure-devops':
      return { kind, organization: text(values, 'organization'), token };
  }
};
