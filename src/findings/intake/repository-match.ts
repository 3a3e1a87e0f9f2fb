import type { ScmKindId } from '../../core/scm-kinds.js';
import type { UrlReference } from './repository-reference.js';

/** A connection as the resolver sees it: where its repositories are on the web. */
export interface ConnectionTarget {
  readonly id: string;
  readonly name: string;
  readonly kind: ScmKindId;
  /** The web root: the instance URL of a self-managed kind, the public site of a cloud kind. */
  readonly webRoot: URL;
}

/** Other host names a cloud SCM serves clones on (ssh over 443, Azure's ssh and legacy hosts). */
const cloudAliases: Readonly<Record<string, readonly string[]>> = {
  'github.com': ['ssh.github.com'],
  'gitlab.com': ['altssh.gitlab.com'],
  'bitbucket.org': ['altssh.bitbucket.org'],
  'dev.azure.com': ['ssh.dev.azure.com', 'vs-ssh.visualstudio.com'],
};

const effectivePort = (url: URL): number =>
  url.port !== '' ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;

/**
 * Whether the URL is on the connection's host. A port written in an http(s) URL must be the web root's; ssh
 * ports (7999 on Bitbucket Data Center) say nothing about the web root.
 */
export function isOnHost(reference: UrlReference, connection: ConnectionTarget): boolean {
  const root = connection.webRoot.hostname.toLowerCase();
  const host = reference.hostname;
  const sameHost =
    host === root ||
    (cloudAliases[root]?.includes(host) ?? false) ||
    (root === 'dev.azure.com' && host.endsWith('.visualstudio.com'));
  if (!sameHost) return false;
  return (
    reference.transport !== 'web' ||
    reference.port === undefined ||
    reference.port === effectivePort(connection.webRoot)
  );
}

const stripGit = (name: string) => name.replace(/\.git$/i, '');

const startsWith = (segments: readonly string[], prefix: readonly string[]) =>
  prefix.every((part, i) => segments[i]?.toLowerCase() === part.toLowerCase());

/** The path below the web root: an instance under a path (`/gitlab`, `/bitbucket`) is served there over http(s). */
function pathBelowRoot(reference: UrlReference, connection: ConnectionTarget): readonly string[] | undefined {
  const prefix = connection.webRoot.pathname.split('/').filter((s) => s !== '');
  if (startsWith(reference.segments, prefix)) return reference.segments.slice(prefix.length);
  return reference.transport === 'web' ? undefined : reference.segments;
}

/** `owner/name` from the first two segments (GitHub, Bitbucket Cloud); more segments are pages of it. */
function ownerAndName(segments: readonly string[]): string[] {
  const [owner, name] = segments;
  return owner && name ? [`${owner}/${stripGit(name)}`] : [];
}

/** GitLab: the project path ends at `/-/`; without it, each prefix of two or more segments may be the project. */
function gitLabNames(segments: readonly string[]): string[] {
  const end = segments.indexOf('-');
  const path = (end === -1 ? segments : segments.slice(0, end)).slice(0, 30);
  const names: string[] = [];
  for (let length = path.length; length >= 2; length--) {
    const parts = path.slice(0, length);
    names.push([...parts.slice(0, -1), stripGit(parts.at(-1)!)].join('/'));
  }
  return names;
}

/** Bitbucket Data Center: `scm/KEY/repo.git`, `projects/KEY/repos/repo/browse`, `users/u/repos/r`, ssh `KEY/repo.git`. */
function bitbucketDataCenterNames(segments: readonly string[]): string[] {
  const path = segments[0]?.toLowerCase() === 'scm' ? segments.slice(1) : segments;
  const [first, second, third, fourth] = path;
  if (first?.toLowerCase() === 'projects' && third?.toLowerCase() === 'repos' && second && fourth)
    return [`${second}/${stripGit(fourth)}`];
  if (first?.toLowerCase() === 'users' && third?.toLowerCase() === 'repos' && second && fourth)
    return [`~${second}/${stripGit(fourth)}`];
  return ownerAndName(path);
}

/**
 * Azure DevOps: `org/project/_git/repo`, `org/_git/repo` (the project's own repository), ssh `v3/org/project/repo`,
 * and `org.visualstudio.com/[DefaultCollection/]project/_git/repo`.
 */
function azureDevOpsNames(reference: UrlReference, below: readonly string[]): string[] {
  let segments = [...below];
  const legacy = /^([^.]+)\.visualstudio\.com$/.exec(reference.hostname)?.[1];
  if (legacy && legacy !== 'vs-ssh') {
    segments = [legacy, ...segments];
    if (segments[1]?.toLowerCase() === 'defaultcollection') segments.splice(1, 1);
  }
  if (segments[0]?.toLowerCase() === 'v3' && segments.length >= 4) {
    const [, org, project, repo] = segments as [string, string, string, string];
    return [`${org}/${project}/${stripGit(repo)}`];
  }
  const git = segments.findIndex((s) => s.toLowerCase() === '_git');
  const repo = git === -1 ? undefined : segments[git + 1];
  const org = segments[0];
  if (!repo || !org) return [];
  if (git === 2) return [`${org}/${segments[1]}/${stripGit(repo)}`];
  if (git === 1) return [`${org}/${stripGit(repo)}/${stripGit(repo)}`];
  return [];
}

/**
 * The full names (as the connection's sync stores them) that a URL may name on this connection, most specific
 * first; empty when the URL is on another host or its path names no repository.
 */
export function candidateFullNames(reference: UrlReference, connection: ConnectionTarget): string[] {
  if (!isOnHost(reference, connection)) return [];
  const below = pathBelowRoot(reference, connection);
  if (!below) return [];
  switch (connection.kind) {
    case 'github':
    case 'github-enterprise':
    case 'bitbucket-cloud':
      return ownerAndName(below);
    case 'gitlab':
    case 'gitlab-self-managed':
      return gitLabNames(below);
    case 'bitbucket-data-center':
      return bitbucketDataCenterNames(below);
    case 'azure-devops':
      return azureDevOpsNames(reference, below);
  }
}
