import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Config } from '../config/config.js';
import { displayName, email, password } from '../core/fields.js';
import { hashPassword } from '../core/password.js';
import { addMember, createAccount, listAccountsOfUser } from '../db/accounts.js';
import { recordAudit } from '../db/audit.js';
import { migrateToLatest, openDatabase } from '../db/database.js';
import { createUser, findUserByEmail, makeFirstInstanceAdmin } from '../db/users.js';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

/** Creates an admin from the command line (recovery, automation): a new user, or an existing one made admin. */
export async function runAdminCreate(
  config: Config,
  options: { email: string | undefined; name: string | undefined; account: string | undefined },
): Promise<number> {
  const input = z
    .object({ email, name: displayName(), account: displayName().optional() })
    .safeParse({ email: options.email, name: options.name, account: options.account });
  if (!input.success) {
    process.stderr.write(
      `admin create needs --email and --name: ${input.error.issues.map((i) => `--${i.path.join('.')} ${i.message}`).join('; ')}\n`,
    );
    return 2;
  }
  let secret = process.env.SCM_CONNECT_ADMIN_PASSWORD ?? (await readStdin());
  const generated = secret === '';
  if (generated) secret = randomBytes(18).toString('base64url');
  const checked = password.safeParse(secret);
  if (!checked.success) {
    process.stderr.write(`The password ${checked.error.issues[0]?.message ?? 'is invalid'}.\n`);
    return 2;
  }
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(database);
    const passwordHash = await hashPassword(secret);
    const accountName = input.data.account ?? 'Default';
    const summary = await database.db.transaction().execute(async (tx) => {
      const existing = await findUserByEmail(tx, input.data.email);
      const user =
        existing ?? (await createUser(tx, { email: input.data.email, name: input.data.name, passwordHash }));
      const accounts = await listAccountsOfUser(tx, user.id);
      const account =
        accounts.find((a) => a.name === accountName) ?? (await createAccount(tx, accountName, user.id));
      if (!accounts.some((a) => a.id === account.id && a.role === 'admin'))
        await addMember(tx, account.id, user.id, 'admin');
      // While the instance has no instance admin (a first admin created here), this one becomes it.
      const instanceAdmin = await makeFirstInstanceAdmin(tx, user.id);
      await recordAudit(tx, {
        accountId: account.id,
        actorUserId: null,
        action: 'admin.created_from_cli',
        target: user.id,
      });
      return { existing: existing !== undefined, account: account.name, instanceAdmin };
    });
    const role = summary.instanceAdmin ? ' and an instance admin (may create the GitHub App)' : '';
    process.stdout.write(
      summary.existing
        ? `${input.data.email} is an admin of "${summary.account}"${role}; their password is unchanged.\n`
        : `Created admin ${input.data.email} in account "${summary.account}"${role}.${generated ? `\nPassword: ${secret}\n` : '\n'}`,
    );
    return 0;
  } finally {
    await database.close();
  }
}
