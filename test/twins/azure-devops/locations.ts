/**
 * Resource locations as `OPTIONS /{org}/_apis/{area}` lists them. azure-devops-node-api reads the route template
 * and version range of each location id from here before it builds a request URL; ids are the SDK's own.
 */
export interface ApiResourceLocation {
  readonly id: string;
  readonly area: string;
  readonly resourceName: string;
  readonly routeTemplate: string;
  readonly resourceVersion: number;
  readonly minVersion: string;
  readonly maxVersion: string;
  readonly releasedVersion: string;
}

const location = (
  id: string,
  area: string,
  resourceName: string,
  routeTemplate: string,
): ApiResourceLocation => ({
  id,
  area,
  resourceName,
  routeTemplate,
  resourceVersion: 4,
  minVersion: '1.0',
  maxVersion: '7.2',
  releasedVersion: '7.1',
});

const repoRoute = '{project}/_apis/git/repositories/{repositoryId}';
const prRoute = `${repoRoute}/pullRequests/{pullRequestId}`;

const byArea: Readonly<Record<string, readonly ApiResourceLocation[]>> = {
  location: [
    location(
      'e81700f7-3be2-46de-8624-2eb35882fcaa',
      'Location',
      'ResourceAreas',
      '_apis/{resource}/{areaId}',
    ),
  ],
  core: [
    location('603fe2ac-9723-48b9-88ad-09305aa6c6e1', 'core', 'projects', '_apis/{resource}/{*projectId}'),
  ],
  git: [
    location('225f7195-f9c7-4d14-ab28-a83f7ff77e1f', 'git', 'repositories', repoRoute),
    location('9946fd70-0d40-406e-b686-b4744cbbcc37', 'git', 'pullRequests', prRoute),
    location('a5d28130-9cd2-40fa-9f08-902e7daa9efb', 'git', 'pullRequests', '{project}/_apis/git/{resource}'),
    location(
      '01a46dea-7d46-4d40-bc84-319e7c260d99',
      'git',
      'pullRequests',
      '{project}/_apis/git/pullRequests/{pullRequestId}',
    ),
    location('ab6e2e5d-a0b7-4153-b64a-a4efe0d49449', 'git', 'threads', `${prRoute}/threads/{threadId}`),
    location(
      '965a3ec7-5ed8-455a-bdcb-835a5ea7fe7b',
      'git',
      'comments',
      `${prRoute}/threads/{threadId}/comments/{commentId}`,
    ),
    location('ea98d07b-3c87-4971-8ede-a613694ffb55', 'git', 'pushes', `${repoRoute}/pushes/{pushId}`),
    location('2d874a60-a811-4f62-9c9f-963a6ea0a55b', 'git', 'refs', `${repoRoute}/refs/{*filter}`),
    location('fb93c0db-47ed-4a31-8c20-47552878fb44', 'git', 'items', `${repoRoute}/items`),
    location('7b28e929-2c99-405d-9c5c-6167a06e6816', 'git', 'blobs', `${repoRoute}/blobs/{sha1}`),
    location('c2570c3b-5b3f-41b8-98bf-5407bfde8d58', 'git', 'commits', `${repoRoute}/commits/{commitId}`),
  ],
};

/** The locations of an area (case-insensitive), empty for areas the twin does not serve. */
export const locationsFor = (area: string): readonly ApiResourceLocation[] =>
  byArea[area.toLowerCase()] ?? [];

/** `GET /_apis/resourceAreas`: every area served from the organization URL itself. */
export function resourceAreas(orgUrl: string) {
  const areas: [string, string][] = [
    ['79134c72-4a58-4b42-976c-04e7115f32bf', 'core'],
    ['4e080c62-fa21-4fbc-8fef-2a10a2b38049', 'git'],
  ];
  return areas.map(([id, name]) => ({ id, name, locationUrl: `${orgUrl}/` }));
}
