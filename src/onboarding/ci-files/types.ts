/** The repository a CI file is rendered for. */
export interface CiTarget {
  /** The SCM's id of the repository: seeds the daily schedule's time. */
  readonly externalId: string;
  readonly fullName: string;
  /** Written only as a quoted YAML scalar, never into a script or an expression. */
  readonly defaultBranch: string;
}

export interface CiFileContext {
  /** scm-connect's public URL, which the upload sends the SARIF log to (`SCM_CONNECT_URL`). */
  readonly serviceUrl: string;
}
