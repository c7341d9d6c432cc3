import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { freshDatabase } from '../../../test/db.js';
import { shopOwnedTables } from './tenant.js';

describe('tenancy', () => {
  it('puts row-level security on every shop-owned table', async () => {
    const { db } = await freshDatabase();
    const tables = await shopOwnedTables(db.$client);
    const res = await db.execute<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
      sql`select relname, relrowsecurity, relforcerowsecurity from pg_class where relkind in ('r', 'p') and relnamespace = 'public'::regnamespace`,
    );
    for (const t of tables) {
      const row = res.rows.find((r) => r.relname === t);
      expect(row, t).toMatchObject({ relrowsecurity: true });
    }
    const role = await db.execute<{ rolbypassrls: boolean; rolsuper: boolean }>(
      sql`select rolbypassrls, rolsuper from pg_roles where rolname = 'qiandian_app'`,
    );
    expect(role.rows[0]).toEqual({ rolbypassrls: false, rolsuper: false });
  });
});
