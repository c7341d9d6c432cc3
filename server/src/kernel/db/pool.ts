import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';

export type Db = NodePgDatabase<Record<string, never>> & { $client: pg.Pool };
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Anything queries can run on: the pool or an open transaction. */
export type Executor = Db | Tx;

// timestamptz comes back as Date; bigint (int8) as number when safe, it is used for counts.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : (v as unknown as number);
});

export function createDb(url: string, max = 20): Db {
  const pool = new pg.Pool({ connectionString: url, max, application_name: 'qiandian' });
  pool.on('error', () => {
    /* an idle client lost its connection; the pool replaces it */
  });
  return drizzle({ client: pool, casing: 'snake_case' }) as Db;
}
