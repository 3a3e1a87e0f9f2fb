import type { CiSystem } from '../scm/provider.js';

/** The CI system each kind's repositories run; Bitbucket Data Center has none of its own. */
const systemOfKind: Readonly<Record<string, CiSystem>> = {
  github: 'github-actions',
  'github-enterprise': 'github-actions',
  gitlab: 'gitlab-ci',
  'gitlab-self-managed': 'gitlab-ci',
  'bitbucket-cloud': 'bitbucket-pipelines',
  'azure-devops': 'azure-pipelines',
};

/** The CI system of a connection kind, or undefined for a kind without one. */
export const ciSystemOfKind = (kind: string): CiSystem | undefined =>
  Object.hasOwn(systemOfKind, kind) ? systemOfKind[kind] : undefined;

/** The CI systems' names as their vendors write them. */
export const ciSystemLabels: Readonly<Record<CiSystem, string>> = {
  'github-actions': 'GitHub Actions',
  'gitlab-ci': 'GitLab CI/CD',
  'bitbucket-pipelines': 'Bitbucket Pipelines',
  'azure-pipelines': 'Azure Pipelines',
};

export const ciSystems = Object.keys(ciSystemLabels) as CiSystem[];
