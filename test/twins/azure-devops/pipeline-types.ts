import type { AdoUser } from './state.js';

/** A YAML pipeline: "Pipelines - Create" makes one, "Definitions - List" shows it as a build definition. */
export interface AdoPipeline {
  readonly id: number;
  readonly name: string;
  /** `\` for the root folder. */
  readonly folder: string;
  readonly revision: number;
  readonly repositoryId: string;
  /** The YAML file's path in the repository, as given (`/azure-pipelines.yml`). */
  readonly yamlFilename: string;
  readonly createdBy: AdoUser;
  readonly createdDate: string;
}

/** `VariableValue`: a secret's value is kept here and never answered. */
export interface AdoVariable {
  value: string;
  isSecret: boolean;
}

/** Which pipelines of a project may use a protected resource ("Pipeline Permissions"). */
export interface AdoPipelinePermissions {
  allPipelines: { readonly by: AdoUser; readonly on: string } | undefined;
  /** Pipeline id → who authorized it, when. */
  readonly pipelines: Map<number, { readonly by: AdoUser; readonly on: string }>;
}

/** A variable group of the organization, shared into one or more projects. */
export interface AdoVariableGroup {
  readonly id: number;
  name: string;
  description: string;
  type: string;
  /** By name as given; names are matched case-insensitively, as Azure Pipelines reads variables. */
  variables: Map<string, AdoVariable>;
  /** Project ids → the name and description the group has there. */
  readonly projects: Map<string, { name: string; description: string }>;
  readonly createdBy: AdoUser;
  readonly createdOn: string;
  modifiedBy: AdoUser;
  modifiedOn: string;
  /** Project id → the pipelines of that project authorized to use the group. */
  readonly permissions: Map<string, AdoPipelinePermissions>;
}
