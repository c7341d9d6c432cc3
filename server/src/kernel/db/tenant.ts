import { sql } from 'drizzle-orm';
import type pg from 'pg';
import type { Db, Tx } from './pool.js';

/**
 * Tenant isolation lives here and nowhere else.
 *
 * Every shop-owned table (its primary key starts with `shop_id`) gets row-level security
 * with one policy: a row is visible and writable only when its `shop_id` equals the
 * transaction's `qiandian.shop_id` setting. Requests on behalf of a shop run as the
 * `qiandian_app` role, which cannot bypass the policy (NOBYPASSRLS, not a superuser, not the
 * tables' owner). System work (event handlers, jobs, an account's view across its shops) runs
 * as the owning role, which row-level security does not restrict.
 */
export const APP_ROLE = 'qiandian_app';
const SETTING = 'qiandian.shop_id';

/** One round trip: the shop setting and `SET LOCAL ROLE` (set_config('role') is the same thing). */
const enterShop = (tx: Tx, shopId: string) =>
  tx.execute(sql`select set_config(${SETTING}, ${shopId}, true), set_config('role', ${APP_ROLE}, true)`);

/** Runs `fn` in a transaction that can only see and write `shopId`'s rows. */
export async function withShop<T>(db: Db, shopId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await enterShop(tx, shopId);
    return fn(tx);
  });
}

/**
 * Scopes part of an open transaction to one shop (work that spans shops in one transaction,
 * e.g. a checkout with orders in several shops, or an event handler). The scope is lifted
 * again when `fn` returns; if it throws, the caller's transaction is aborted anyway.
 */
export async function inShop<T>(tx: Tx, shopId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  await enterShop(tx, shopId);
  const result = await fn(tx);
  await tx.execute(sql.raw('reset role'));
  await tx.execute(sql`select set_config(${SETTING}, '', true)`);
  return result;
}

/** Shop-owned tables: those whose primary key's first column is shop_id. */
export async function shopOwnedTables(client: pg.Pool | pg.Client): Promise<string[]> {
  const res = await client.query<{ table_name: string }>(`
    select c.relname as table_name
      from pg_index i
      join pg_class c on c.oid = i.indrelid
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attnum = i.indkey[0]
     where i.indisprimary and n.nspname = 'public' and a.attname = 'shop_id'
     order by 1`);
  return res.rows.map((r) => r.table_name);
}

/**
 * Idempotent: creates the app role, grants it the tables, and puts the isolation policy on
 * every shop-owned table. Run after each migration so a new table cannot be forgotten.
 */
export async function applyTenancy(client: pg.Pool | pg.Client): Promise<void> {
  await client.query(`
    do $$ begin
      create role ${APP_ROLE} nologin nobypassrls;
    exception when duplicate_object or unique_violation then null; end $$;`);
  await client.query(`
    do $$ begin
      execute format('grant ${APP_ROLE} to %I', current_user);
    exception when others then null; end $$;`);
  await client.query(`grant usage on schema public to ${APP_ROLE}`);
  await client.query(`grant select, insert, update, delete on all tables in schema public to ${APP_ROLE}`);
  await client.query(`grant usage, select on all sequences in schema public to ${APP_ROLE}`);
  for (const table of await shopOwnedTables(client)) {
    const t = `"${table}"`;
    await client.query(`alter table ${t} enable row level security`);
    await client.query(`alter table ${t} no force row level security`);
    await client.query(`drop policy if exists tenant_isolation on ${t}`);
    await client.query(
      `create policy tenant_isolation on ${t}
         using (shop_id = current_setting('${SETTING}', true))
         with check (shop_id = current_setting('${SETTING}', true))`,
    );
  }
}
