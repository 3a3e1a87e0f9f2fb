import type { ConnectionChanges } from '../api/connections-client.js';
import type { Connection } from '../api/schemas.js';
import { displayNameRule, type FormRules, type FormValues } from '../forms/field-rules.js';
import { connectionRules } from './connection-rules.js';
import { isTokenKind, takesCaCertificate } from './connection-input.js';

/** The stored token no longer decrypts: any check with the SCM needs it entered again. */
export const needsTokenAgain = (connection: Connection): boolean =>
  connection.statusReason?.code === 'credentials_invalid';

/**
 * What the Edit dialog accepts: a name; for a self-managed kind the URL and CA certificate too; a new token,
 * which may stay empty (the stored one is kept) unless the stored one can no longer be read.
 */
export const editRules = (connection: Connection): FormRules => {
  const name = displayNameRule('Name', 'enter a name for the connection');
  if (!isTokenKind(connection.kind)) return { name };
  const connect = connectionRules(connection.kind);
  const token = connect.token!;
  return {
    name,
    ...(takesCaCertificate(connection.kind) ? { baseUrl: connect.baseUrl!, caPem: connect.caPem! } : {}),
    token: needsTokenAgain(connection)
      ? { ...token, missing: 'the stored token can no longer be read: paste the token again' }
      : { ...token, optional: true, hint: 'Leave it empty to keep the current token.' },
  };
};

/**
 * The PATCH body for what changed in the dialog: fields left as they were are not sent, an empty token keeps the
 * stored one, and `removeCa` removes the stored CA certificate. Empty when nothing changed.
 */
export const connectionChanges = (
  connection: Connection,
  values: FormValues,
  removeCa: boolean,
): ConnectionChanges => {
  const selfManaged = takesCaCertificate(connection.kind);
  const name = values.name ?? '';
  const baseUrl = values.baseUrl ?? '';
  const token = values.token ?? '';
  const caPem = values.caPem ?? '';
  return {
    ...(name !== '' && name !== connection.name ? { name } : {}),
    ...(selfManaged && baseUrl !== '' && baseUrl !== connection.baseUrl ? { baseUrl } : {}),
    ...(token !== '' ? { token } : {}),
    ...(selfManaged && removeCa ? { caPem: null } : selfManaged && caPem !== '' ? { caPem } : {}),
  };
};
