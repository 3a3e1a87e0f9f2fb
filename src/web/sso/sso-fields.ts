import type { GroupRoles } from '../api/sso-client.js';

/** Words of a list typed with commas, spaces or line breaks between them, each once, in order. */
export const parseList = (text: string): string[] => [
  ...new Set(
    text
      .split(/[\s,]+/)
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  ),
];

export type GroupRolesParse =
  { readonly ok: true; readonly value: GroupRoles } | { readonly ok: false; readonly message: string };

/**
 * The group → role mapping as typed: one `group = admin` or `group = member` a line (blank lines ignored).
 * A group name may hold spaces; the role is the text after the last `=`.
 */
export const parseGroupRoles = (text: string): GroupRolesParse => {
  const value: Record<string, 'admin' | 'member'> = {};
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const at = line.lastIndexOf('=');
    const group = at > 0 ? line.slice(0, at).trim() : '';
    const role =
      at > 0
        ? line
            .slice(at + 1)
            .trim()
            .toLowerCase()
        : '';
    if (group === '' || (role !== 'admin' && role !== 'member')) {
      return { ok: false, message: `line ${index + 1}: write it as group = admin or group = member` };
    }
    if (Object.hasOwn(value, group))
      return { ok: false, message: `line ${index + 1}: ${group} is mapped twice` };
    value[group] = role;
  }
  return { ok: true, value };
};

/** The mapping as the text field shows it, one group a line. */
export const formatGroupRoles = (roles: GroupRoles): string =>
  Object.entries(roles)
    .map(([group, role]) => `${group} = ${role}`)
    .join('\n');
