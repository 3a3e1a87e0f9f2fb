import type { AdoCiClient } from './ci-client.js';
import { ciData, variableGroupsRead } from './ci-errors.js';
import type { AdoVariableGroup } from './ci-schemas.js';
import type { AdoContext } from './connection-checks.js';

/** The Azure Pipelines variable group, one per project, that holds the scanner CI job's secret. */
export const ciVariableGroupName = 'scm-connect';

/** The project's `scm-connect` variable group, or undefined when the project has none yet. */
export async function findCiVariableGroup(
  ctx: AdoContext,
  ci: AdoCiClient,
  project: string,
): Promise<AdoVariableGroup | undefined> {
  // GET /{org}/{project}/_apis/distributedtask/variablegroups?groupName=scm-connect (names match case-insensitively)
  const groups = ciData(
    ctx,
    variableGroupsRead(`read the variable groups of project ${project}`),
    await ci.variableGroups(project, ciVariableGroupName),
  );
  return groups.find((group) => group.name.toLowerCase() === ciVariableGroupName);
}
