import type { TestService } from '../helpers/service.js';

/** The body of `GET /api/v1/profile/identities`: the person's sign-in methods. */
export interface Identities {
  hasPassword: boolean;
  identities: { id: string; provider: string; issuer: string; login: string | null; email: string | null }[];
}

/** How many users the service has: a refused sign-in must not create one. */
export const countUsers = async (world: { readonly service: TestService }): Promise<number> =>
  Number(
    (
      await world.service.database.db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
