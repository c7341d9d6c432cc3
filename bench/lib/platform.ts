import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import * as composition from '../../server/src/app.js';
import { loadConfig, type Config } from '../../server/src/kernel/config.js';
import type { Db } from '../../server/src/kernel/db/pool.js';
import { startEventBus } from '../../server/src/kernel/events/dispatcher.js';
import type { App } from '../../server/src/kernel/http/server.js';
import { newToken } from '../../server/src/kernel/ids.js';
import { startJobRunner } from '../../server/src/kernel/jobs/runner.js';

/** The platform migrated and ready, not yet listening. */
export interface Platform {
  app: App;
  db: Db;
  stop(): Promise<void>;
}

/** The platform as `serve` runs it: database, HTTP app, event dispatcher and job runner. */
async function createPlatform(config: Config): Promise<Platform> {
  const database = await composition.openDatabase(config);
  const { app, ctx } = await composition.buildApp(config, database.db);
  await app.ready();
  const workerId = `bench:${process.pid}`;
  const bus = await startEventBus({
    db: ctx.db,
    subscribers: composition.subscribersOf(ctx),
    log: ctx.log,
    workerId,
    natsUrl: config.NATS_URL,
  });
  const runner = await startJobRunner({ db: ctx.db, jobs: composition.jobsOf(ctx), log: ctx.log, workerId });
  return {
    app,
    db: database.db,
    async stop() {
      await app.close();
      await runner.stop();
      await bus.stop();
      await database.close();
    },
  };
}

export interface BenchPlatform extends Platform {
  /** Where it listens, e.g. http://127.0.0.1:41234 */
  base: string;
  /** `embedded` or `server` (BENCH_DATABASE_URL). */
  database: string;
  close(): Promise<void>;
}

/** A fresh database on BENCH_DATABASE_URL's server; dropped again by the returned function. */
async function scratchDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `qd_bench_${newToken(6)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = new pg.Client({ connectionString: serverUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/**
 * The real platform, in this process, migrated and listening on a free port: on the embedded
 * PostgreSQL in a temporary DATA_DIR, or on a fresh database of BENCH_DATABASE_URL's server.
 * Logs at BENCH_LOG_LEVEL (default `warn`: per-request logging would measure the terminal).
 */
export async function startPlatform(): Promise<BenchPlatform> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'qiandian-bench-'));
  // The embedded PostgreSQL runs as the `postgres` OS user when we are root: let it in.
  await fs.chmod(dataDir, 0o755);
  const scratch = process.env.BENCH_DATABASE_URL ? await scratchDatabase(process.env.BENCH_DATABASE_URL) : undefined;
  const config = loadConfig({
    DATA_DIR: dataDir,
    DATABASE_URL: scratch?.url,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    HOST: '127.0.0.1',
    PORT: '0',
    // Scenarios that drive anonymous routes from one address set a budget that lets them.
    RATE_LIMIT_PER_MINUTE: process.env.BENCH_RATE_LIMIT,
    // Set to measure the Redis-backed paths (flash-sale gate, rate limits).
    REDIS_URL: process.env.BENCH_REDIS_URL,
  });
  let platform: Platform | undefined;
  try {
    platform = await createPlatform(config);
    await platform.app.listen({ host: '127.0.0.1', port: 0 });
  } catch (e) {
    await platform?.stop().catch(() => {});
    await scratch?.drop().catch(() => {});
    await fs.rm(dataDir, { recursive: true, force: true });
    throw e;
  }
  const address = platform.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const started = platform;
  return {
    ...started,
    base: `http://127.0.0.1:${port}`,
    database: scratch ? 'server' : 'embedded',
    async close() {
      await started.stop();
      await scratch?.drop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
