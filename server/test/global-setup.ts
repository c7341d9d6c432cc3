import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDb } from '../src/kernel/db/pool.js';
import { runMigrations } from '../src/kernel/db/migrate.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/kernel/db/embedded.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of the server, with `{db}` where the database name goes. */
    pgUrlTemplate: string;
    templateDb: string;
  }
}

/**
 * One PostgreSQL per test run: the embedded one, or TEST_DATABASE_URL's server. A template
 * database is migrated once; each test file clones it (test/db.ts).
 */
export default async function setup(project: TestProject) {
  let server: EmbeddedServer | undefined;
  let dir: string | undefined;
  let urlFor: (db: string) => string;
  if (process.env.TEST_DATABASE_URL) {
    const base = new URL(process.env.TEST_DATABASE_URL);
    urlFor = (db) => {
      const u = new URL(base);
      u.pathname = `/${db}`;
      return u.toString();
    };
  } else {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'qiandian-test-'));
    await fs.chmod(dir, 0o755);
    server = await startEmbeddedPostgres(dir);
    urlFor = (db) => server!.url(db);
  }
  const templateDb = `qd_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: urlFor('postgres') });
  await admin.connect();
  await admin.query(`drop database if exists ${templateDb}`);
  await admin.query(`create database ${templateDb}`);
  const db = createDb(urlFor(templateDb), 2);
  await runMigrations(db);
  await db.$client.end();

  project.provide('pgUrlTemplate', urlFor('{db}').replace('%7Bdb%7D', '{db}'));
  project.provide('templateDb', templateDb);

  return async () => {
    await admin.query(`drop database if exists ${templateDb} with (force)`).catch(() => {});
    await admin.end();
    await server?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  };
}
