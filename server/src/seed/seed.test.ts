import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test/db.js';
import { loadConfig } from '../kernel/config.js';
import { seedDemo } from './index.js';

describe('demo seed', () => {
  it('creates the accounts and shops of the README, and running it again adds nothing', async () => {
    const { db } = await freshDatabase();
    const config = loadConfig({ DATA_DIR: await fs.mkdtemp(path.join(os.tmpdir(), 'qiandian-seed-')) });
    const counts = async () =>
      (
        await db.execute<{ accounts: number; shops: number; members: number }>(sql`select
          (select count(*)::int from accounts) as accounts,
          (select count(*)::int from shops) as shops,
          (select count(*)::int from shop_members) as members`)
      ).rows[0];
    await seedDemo(db, config);
    const first = await counts();
    expect(first).toEqual({ accounts: 12, shops: 3, members: 9 });
    await seedDemo(db, config);
    expect(await counts()).toEqual(first);
    const ops = await db.execute<{ n: number }>(sql`select count(*)::int n from shop_members m join accounts a on a.id = m.account_id where a.email = 'tea.ops@qiandian.dev'`);
    expect(ops.rows[0]!.n).toBe(2);
    const statuses = await db.execute<{ status: string }>(sql`select status from shops order by status`);
    expect(statuses.rows.map((r) => r.status)).toEqual(['active', 'active', 'pending']);
    await fs.rm(config.DATA_DIR, { recursive: true, force: true });
  });
});
