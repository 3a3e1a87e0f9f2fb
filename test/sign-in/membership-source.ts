import type { ApiClient } from '../helpers/api-client.js';

/** An account admin makes `organizationExternalId` of the connection the account's membership source. */
export async function setMembershipSource(
  admin: ApiClient,
  accountId: string,
  connectionId: string,
  organizationExternalId: string,
): Promise<void> {
  const answer = await admin.put(`/api/v1/accounts/${accountId}/membership-source`, {
    connectionId,
    organizationExternalId,
    roleMapping: null,
  });
  if (answer.status !== 200) throw new Error(`membership source: ${answer.status} ${answer.text}`);
}
