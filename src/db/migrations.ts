import type { Migration, MigrationProvider } from 'kysely';
import { foundation } from './migrations/0001-foundation.js';

/**
 * One migration set for SQLite and PostgreSQL. Only portable column types are used (text, integer); ids are
 * UUID strings and timestamps ISO strings. Migrations are append-only: never edit one that has shipped.
 */
const migrations: Record<string, Migration> = {
  '0001_foundation': foundation,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
