import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import { createDb, type Db } from '../src/kernel/db/pool.js';

export function testDbUrl(name: string): string {
  return inject('pgUrlTemplate').replace('{db}', name);
}

/**
 * A fresh database for this test file, cloned from the migrated template; dropped after the
 * file's tests.
 */
export async function freshDatabase(): Promise<{ db: Db; url: string; name: string }> {
  const name = `qd_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testDbUrl('postgres') });
  await admin.connect();
  // CREATE DATABASE ... TEMPLATE needs the template to have no other connections.
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(`create database ${name} template ${inject('templateDb')}`);
      break;
    } catch (e) {
      if (attempt > 50 || !String((e as Error).message).includes('being accessed')) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await admin.end();
  const url = testDbUrl(name);
  const db = createDb(url, 10);
  afterAll(async () => {
    await db.$client.end();
    const a = new pg.Client({ connectionString: testDbUrl('postgres') });
    await a.connect();
    await a.query(`drop database if exists ${name} with (force)`);
    await a.end();
  });
  return { db, url, name };
}
