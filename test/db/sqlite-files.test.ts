import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from '../../src/db/database.js';
import { createAccount } from '../../src/db/accounts.js';
import { createUser } from '../../src/db/users.js';

const modeOf = (file: string) => (statSync(file).mode & 0o777).toString(8);

describe('SQLite files are private to the service user', () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });
  const newRoot = () => {
    const root = mkdtempSync(path.join(tmpdir(), 'scm-connect-modes-'));
    roots.push(root);
    return root;
  };

  /** Opens, migrates and writes once (so the -wal and -shm files exist), then reports the modes. */
  async function openAndWrite(dataDir: string) {
    const warnings: string[] = [];
    const handle = await openDatabase({ dataDir, onWarning: (message) => warnings.push(message) });
    try {
      await migrateToLatest(handle);
      const user = await createUser(handle.db, { email: 'a@example.com', name: 'A', passwordHash: 'x' });
      await createAccount(handle.db, 'Acme', user.id);
      const file = path.join(dataDir, 'scm-connect.db');
      return {
        warnings,
        modes: {
          dir: modeOf(dataDir),
          db: modeOf(file),
          wal: modeOf(`${file}-wal`),
          shm: modeOf(`${file}-shm`),
        },
      };
    } finally {
      await handle.close();
    }
  }

  it('creates the data directory 0700 and the database, -wal and -shm files 0600', async () => {
    const dataDir = path.join(newRoot(), 'nested', 'data');
    const { modes, warnings } = await openAndWrite(dataDir);
    expect(modes).toEqual({ dir: '700', db: '600', wal: '600', shm: '600' });
    expect(modeOf(path.dirname(dataDir))).toBe('700');
    expect(warnings).toEqual([]);
  });

  it('warns about an existing directory others can read, and leaves its mode to the operator', async () => {
    const dataDir = path.join(newRoot(), 'shared');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    const { modes, warnings } = await openAndWrite(dataDir);
    expect(modes).toEqual({ dir: '755', db: '600', wal: '600', shm: '600' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(dataDir);
    expect(warnings[0]).toContain('chmod 700');
  });

  it('tightens a database file an earlier run left readable by others', async () => {
    const dataDir = newRoot();
    for (const suffix of ['', '-wal', '-shm']) {
      const file = path.join(dataDir, `scm-connect.db${suffix}`);
      writeFileSync(file, '');
      chmodSync(file, 0o644);
    }
    const { modes, warnings } = await openAndWrite(dataDir);
    expect(modes).toEqual({ dir: '700', db: '600', wal: '600', shm: '600' });
    expect(warnings).toEqual([]);
  });
});
