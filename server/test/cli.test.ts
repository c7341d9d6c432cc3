import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The real CLI as a person runs it: `serve --seed` on the embedded PostgreSQL in a DATA_DIR,
 * a second process on the same DATA_DIR refused clearly, graceful shutdown, and the data kept
 * for the next start.
 */
const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const children: ChildProcess[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function run(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: SERVER_DIR,
    env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: '', NATS_URL: '', REDIS_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function waitReady(port: number, proc: ReturnType<typeof run>) {
  for (let i = 0; i < 600; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/api/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (proc.child.exitCode !== null) throw new Error(`server exited: ${proc.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server not ready: ${proc.output()}`);
}

async function signIn(port: number) {
  const csrf = await fetch(`http://127.0.0.1:${port}/api/auth/csrf`);
  const { token } = (await csrf.json()) as { token: string };
  const cookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return fetch(`http://127.0.0.1:${port}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': token, cookie },
    body: JSON.stringify({ identifier: 'tea.owner@qiandian.dev', password: 'Qiandian#2026' }),
  });
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

describe.skipIf(!!process.env.TEST_DATABASE_URL)('qiandian serve on the embedded PostgreSQL', () => {
  it('starts with demo data, refuses a second process on its DATA_DIR, stops cleanly and keeps the data', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'qiandian-cli-'));
    const port = await freePort();
    const first = run(['serve', '--seed'], { DATA_DIR: dataDir, PORT: String(port) });
    await waitReady(port, first);
    // Sign-in for a demo account works only if the seed ran and the rest of the stack is live.
    expect((await signIn(port)).status).toBe(200);

    const second = run(['serve'], { DATA_DIR: dataDir, PORT: String(await freePort()) });
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/DATA_DIR .* is in use by another Qiandian process/);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    await expect(fs.access(path.join(dataDir, 'qiandian.lock'))).rejects.toThrow();
    await expect(fs.access(path.join(dataDir, 'pg', 'postmaster.pid'))).rejects.toThrow();

    const again = run(['serve'], { DATA_DIR: dataDir, PORT: String(port) });
    await waitReady(port, again);
    expect((await signIn(port)).status).toBe(200);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
    await fs.rm(dataDir, { recursive: true, force: true });
  }, 180_000);

  it('explains bad configuration and exits', async () => {
    const proc = run(['migrate'], { PORT: 'not-a-port', DATABASE_URL: 'mysql://nope' });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toContain('Invalid configuration');
    expect(proc.output()).toContain('DATABASE_URL');
    expect(proc.output()).toContain('PORT');
  });
});
