import type { TwinRouter } from '../server/twin-server.js';
import { addOrgRoute, adoError, adoErrors } from './access.js';
import { continuationPage } from './paging.js';
import { graphGroupJson, graphUserJson, list, orgUrl } from './shapes.js';
import type { AzureDevOpsState } from './state.js';

/** Graph (vssps.dev.azure.com): users, groups and memberships, all preview at 7.1 and read with `vso.graph`. */
export function addGraphRoutes(state: AzureDevOpsState, router: TwinRouter): void {
  const graph = { scope: ['vso.graph'], preview: true };

  // GET {vssps}/{org}/_apis/graph/users?continuationToken=
  addOrgRoute(state, router, 'GET', '/:org/_apis/graph/users', graph, (request, caller) => {
    const members = [...caller.org.members.values()];
    const { slice, headers } = continuationPage(request, members, state.graphPageSize);
    const users = slice.map((m) => graphUserJson(request.origin, caller.org.name, m.user, state.tenantId));
    return { headers, body: list(users) };
  });

  // GET {vssps}/{org}/_apis/graph/groups?continuationToken=
  addOrgRoute(state, router, 'GET', '/:org/_apis/graph/groups', graph, (request, caller) => {
    const { slice, headers } = continuationPage(request, caller.org.groups, state.graphPageSize);
    return { headers, body: list(slice.map((g) => graphGroupJson(request.origin, caller.org.name, g))) };
  });

  // GET {vssps}/{org}/_apis/graph/Memberships/{subjectDescriptor}?direction=up|down (one level, not paged)
  addOrgRoute(state, router, 'GET', '/:org/_apis/graph/Memberships/:descriptor', graph, (request, caller) => {
    const subject = request.params.descriptor!;
    const direction = (request.url.searchParams.get('direction') ?? 'up').toLowerCase();
    if (!['up', 'down', 'unknown'].includes(direction)) {
      throw adoErrors.invalidArgument(`The value '${direction}' is not valid for direction.`);
    }
    const known =
      caller.org.groups.some((g) => g.descriptor === subject) ||
      [...caller.org.members.values()].some((m) => m.user.descriptor === subject);
    if (!known) {
      throw adoError(
        404,
        'GraphSubjectNotFoundException',
        `The subject with descriptor ${subject} could not be found.`,
        'Microsoft.VisualStudio.Services.Graph',
      );
    }
    const edges =
      direction === 'down'
        ? [...(caller.org.groups.find((g) => g.descriptor === subject)?.members ?? [])].map((member) => ({
            container: subject,
            member,
          }))
        : caller.org.groups
            .filter((g) => g.members.has(subject))
            .map((g) => ({ container: g.descriptor, member: subject }));
    const graphUrl = `${orgUrl(request.origin, caller.org.name)}/_apis/Graph`;
    const kind = (descriptor: string) => (descriptor.startsWith('vssgp.') ? 'Groups' : 'Users');
    return {
      body: list(
        edges.map(({ container, member }) => ({
          _links: {
            self: { href: `${graphUrl}/Memberships/${member}/${container}` },
            member: { href: `${graphUrl}/${kind(member)}/${member}` },
            container: { href: `${graphUrl}/Groups/${container}` },
          },
          containerDescriptor: container,
          memberDescriptor: member,
        })),
      ),
    };
  });
}
