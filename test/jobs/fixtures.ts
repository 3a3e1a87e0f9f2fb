import { pino, type Logger } from 'pino';
import { createAccount } from '../../src/db/accounts.js';
import type { Db } from '../../src/db/database.js';
import { createUser } from '../../src/db/users.js';

/** A clock the test moves by hand. */
export interface ManualClock {
  now(): Date;
  advance(ms: number): void;
}

export function manualClock(start = new Date('2030-01-01T00:00:00.000Z')): ManualClock {
  let at = start.getTime();
  return {
    now: () => new Date(at),
    advance: (ms) => {
      at += ms;
    },
  };
}

export const silentLogger = (): Logger => pino({ level: 'silent' });

/** Two accounts, each with its own admin. */
export async function twoAccounts(db: Db): Promise<{ acme: string; beta: string }> {
  const ada = await createUser(db, { email: 'ada@example.com', name: 'ada', passwordHash: 'scrypt$x' });
  const bob = await createUser(db, { email: 'bob@example.com', name: 'bob', passwordHash: 'scrypt$x' });
  const acme = await createAccount(db, 'Acme', ada.id);
  const beta = await createAccount(db, 'Beta', bob.id);
  return { acme: acme.id, beta: beta.id };
}

/** A promise and the functions that settle it. */
export function deferred<T = void>(): {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
