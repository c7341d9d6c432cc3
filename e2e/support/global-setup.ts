import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const serverMain = path.join(root, 'server/src/main.ts');
const webDist = path.join(root, 'web/dist');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, child: ChildProcess, logFile: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the server exited with code ${child.exitCode} before it was ready:\n${tail(logFile)}`);
    }
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`the server was not ready within ${timeoutMs / 1000}s:\n${tail(logFile)}`);
}

function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no server log)';
  }
}

function stop(child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts the real server (`serve --seed`) on a free port with a fresh data directory (embedded
 * PostgreSQL, or E2E_DATABASE_URL), waits for /api/ready, and returns the teardown that stops it.
 * Tests read the address from QD_BASE_URL.
 */
export default async function globalSetup() {
  if (process.env.QD_BASE_URL_EXTERNAL) {
    // Run against a server someone else started (debugging).
    process.env.QD_BASE_URL = process.env.QD_BASE_URL_EXTERNAL;
    return;
  }
  if (!fs.existsSync(path.join(webDist, 'seller/index.html'))) {
    throw new Error('web/dist is missing: build the web app first (npm run build -w web)');
  }
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qiandian-e2e-'));
  // mkdtemp makes the directory 0700; as root the embedded PostgreSQL runs as the `postgres` user,
  // which must be able to pass through it to DATA_DIR.
  fs.chmodSync(dataDir, 0o711);
  const logFile = path.join(dataDir, 'server.log');
  const log = fs.openSync(logFile, 'a');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: path.join(dataDir, 'data'),
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
    NODE_ENV: 'production',
    // The demo's 100 000 synthetic customers take half a minute to make; a few thousand give the
    // customer center the same shape for the specs.
    SEED_CUSTOMERS: process.env.SEED_CUSTOMERS ?? '5000',
  };
  delete env.DATABASE_URL;
  if (process.env.E2E_DATABASE_URL) env.DATABASE_URL = process.env.E2E_DATABASE_URL;

  const child = spawn(process.execPath, ['--import', 'tsx', serverMain, 'serve', '--seed'], {
    cwd: root,
    env,
    stdio: ['ignore', log, log],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitReady(`${baseUrl}/api/ready`, child, logFile, 180_000);
  } catch (error) {
    await stop(child);
    fs.closeSync(log);
    if (!process.env.E2E_KEEP_DATA) fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  process.env.QD_BASE_URL = baseUrl;
  process.env.QD_SERVER_LOG = logFile;

  return async () => {
    await stop(child);
    fs.closeSync(log);
    if (process.env.E2E_KEEP_DATA) {
      console.log(`e2e server data kept in ${dataDir}`);
    } else {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  };
}
