/** A timestamp from the API as a short local date and time; the raw text when it is not a date. */
export const formatDateTime = (value: string | null | undefined): string => {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
};

export const formatDate = (value: string | null | undefined): string => {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toLocaleDateString(undefined, { dateStyle: 'medium' });
};

export const roleLabel = (role: 'admin' | 'member'): string => (role === 'admin' ? 'Admin' : 'Member');

/** An API token's role as the tokens table names it. */
export const tokenRoleLabel = (role: 'admin' | 'member' | 'scan-upload'): string =>
  role === 'scan-upload' ? 'Scan upload' : roleLabel(role);

/** The first seven characters of a commit id, as the SCMs show it. */
export const shortSha = (sha: string | null | undefined): string => (sha ? sha.slice(0, 7) : '—');
