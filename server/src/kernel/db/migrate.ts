import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type { Db } from './pool.js';
import { applyTenancy } from './tenant.js';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../drizzle');

/** Applies the committed drizzle-kit migrations, then the tenancy policies. Safe to run again. */
export async function runMigrations(db: Db): Promise<void> {
  const client = await db.$client.connect();
  try {
    // One migrator at a time across processes.
    await client.query(`select pg_advisory_lock(hashtext('qiandian.migrate'))`);
    try {
      await migrate(db, { migrationsFolder: MIGRATIONS_DIR });
      await applyTenancy(client);
    } finally {
      await client.query(`select pg_advisory_unlock(hashtext('qiandian.migrate'))`);
    }
  } finally {
    client.release();
  }
}
