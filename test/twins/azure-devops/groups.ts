import { createHash } from 'node:crypto';
import type { AzureDevOpsOrganizationSpec } from './scenario.js';
import type { AdoGroup, AdoOrganization } from './state.js';

export const collectionAdministratorsName = 'Project Collection Administrators';
const validUsersName = 'Project Collection Valid Users';
const projectGroupOf: Readonly<Record<string, string>> = {
  projectReader: 'Readers',
  projectContributor: 'Contributors',
  projectAdministrator: 'Project Administrators',
};

/** `vssgp.` + base64 of a SID-like identifier, the form Graph gives Azure DevOps groups. */
function groupDescriptor(seed: string): string {
  const hash = createHash('sha1').update(seed).digest();
  const parts = [0, 4, 8, 12].map((offset) => hash.readUInt32BE(offset));
  const sid = `S-1-9-1551374245-${parts.join('-')}-1-${hash.readUInt32BE(16)}`;
  return `vssgp.${Buffer.from(sid).toString('base64').replace(/=+$/, '')}`;
}

/**
 * Seeds the organization's groups: Readers, Contributors and Project Administrators per project (holding the
 * members of those roles), then the collection groups (the built-ins and the scenario's), their nesting and
 * direct members; finally marks every member reached from Project Collection Administrators as an admin.
 */
export function addGroups(org: AdoOrganization, spec: AzureDevOpsOrganizationSpec): void {
  const group = (name: string, scope: string, domain: string, description: string, licenseRule?: string) => {
    const made: AdoGroup = {
      descriptor: groupDescriptor(`${org.id}/${scope}/${name}`),
      displayName: name,
      principalName: `[${scope}]\\${name}`,
      description,
      originId: createHash('sha1').update(`${org.id}/${scope}/${name}`).digest('hex').slice(0, 32),
      domain,
      members: new Set(),
      licenseRule,
    };
    org.groups.push(made);
    return made;
  };

  for (const project of org.projects) {
    const domain = `vstfs:///Classification/TeamProject/${project.id}`;
    for (const [role, name] of Object.entries(projectGroupOf)) {
      const made = group(name, project.name, domain, `The ${name.toLowerCase()} of ${project.name}.`);
      for (const member of org.members.values()) {
        if (member.projects.get(project.name.toLowerCase()) === role)
          made.members.add(member.user.descriptor);
      }
    }
  }

  const collection = `vstfs:///Framework/IdentityDomain/${org.id}`;
  const named = new Map<string, AdoGroup>();
  const builtIns: [string, string][] = [
    [collectionAdministratorsName, 'Administer the whole organization.'],
    [validUsersName, 'Every user of the organization.'],
  ];
  for (const [name, description] of builtIns) named.set(name, group(name, org.name, collection, description));
  for (const g of spec.groups ?? []) {
    named.set(g.name, group(g.name, org.name, collection, g.description ?? g.name, g.licenseRule));
  }
  const collectionGroup = (name: string) => {
    const found = named.get(name);
    if (!found) throw new Error(`scenario: unknown group ${name} in organization ${org.name}`);
    return found;
  };
  for (const g of spec.groups ?? []) {
    for (const parent of g.memberOf ?? [])
      collectionGroup(parent).members.add(collectionGroup(g.name).descriptor);
  }
  for (const m of spec.members) {
    const descriptor = org.members.get(m.user.toLowerCase())!.user.descriptor;
    collectionGroup(validUsersName).members.add(descriptor);
    if (m.collectionAdmin) collectionGroup(collectionAdministratorsName).members.add(descriptor);
    for (const name of m.groups ?? []) collectionGroup(name).members.add(descriptor);
  }

  const admins = expandMembers(org, collectionGroup(collectionAdministratorsName));
  for (const member of org.members.values()) member.collectionAdmin = admins.has(member.user.descriptor);
}

/** Every descriptor reached down from `root`, through nested groups. */
function expandMembers(org: AdoOrganization, root: AdoGroup): Set<string> {
  const byDescriptor = new Map(org.groups.map((g) => [g.descriptor, g]));
  const reached = new Set<string>();
  const queue = [root];
  for (let next = queue.shift(); next; next = queue.shift()) {
    for (const descriptor of next.members) {
      if (reached.has(descriptor)) continue;
      reached.add(descriptor);
      const nested = byDescriptor.get(descriptor);
      if (nested) queue.push(nested);
    }
  }
  return reached;
}
