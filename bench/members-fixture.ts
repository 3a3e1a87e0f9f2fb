import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { setUpAdmin } from '../test/helpers/api-client.js';
import { startTestService, type TestService } from '../test/helpers/service.js';

export interface MembersFixture {
  readonly service: TestService;
  readonly bare: FastifyInstance;
  /** The bare Fastify route that answers a constant. */
  readonly bareUrl: string;
  /** GET /api/v1/accounts/{id}/members of an account with 20 members. */
  readonly membersUrl: string;
  /** The admin's session cookie, as a request header. */
  readonly cookie: { cookie: string };
  readonly accountId: string;
  close(): Promise<void>;
}

/** The two servers bench/api and bench/api-instructions compare: the service with 20 members, and bare Fastify. */
export async function startMembersFixture(options: { workerPollMs?: number } = {}): Promise<MembersFixture> {
  const service = await startTestService({}, options);
  const { client, session } = await setUpAdmin(service);
  const accountId = session.currentAccountId!;
  const now = new Date().toISOString();
  for (let i = 1; i < 20; i++) {
    const id = randomUUID();
    await service.database.db
      .insertInto('users')
      .values({
        id,
        email: `member${i}@example.com`,
        name: `Member ${i}`,
        password_hash: 'x',
        created_at: now,
      })
      .execute();
    await service.database.db
      .insertInto('memberships')
      .values({ account_id: accountId, user_id: id, role: 'member', created_at: now })
      .execute();
  }
  const membersUrl = `${service.url}/api/v1/accounts/${accountId}/members`;
  const check = await client.get<{ items: unknown[] }>(membersUrl.slice(service.url.length));
  if (check.status !== 200 || check.body.items.length !== 20)
    throw new Error(`unexpected answer ${check.status}`);

  const bare = Fastify();
  bare.get('/constant', async () => ({ items: [] }));
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const address = bare.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    service,
    bare,
    bareUrl: `http://127.0.0.1:${port}/constant`,
    membersUrl,
    cookie: { cookie: client.cookie! },
    accountId,
    close: async () => {
      await bare.close();
      await service.close();
    },
  };
}
