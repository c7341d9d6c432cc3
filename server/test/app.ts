import { randomInt } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import net from 'node:net';
import { buildApp, jobsOf, subscribersOf } from '../src/app.js';
import { startEventBus } from '../src/kernel/events/dispatcher.js';
import { startJobRunner } from '../src/kernel/jobs/runner.js';
import { loadConfig } from '../src/kernel/config.js';
import type { Db } from '../src/kernel/db/pool.js';
import type { App } from '../src/kernel/http/server.js';
import { identity } from '../src/modules/identity/index.js';
import { shops } from '../src/modules/shops/index.js';
import { freshDatabase } from './db.js';

export interface Response<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
}

/** A browser-like client for app.inject: keeps cookies, sends the CSRF token on mutations. */
export class Client {
  private cookies = new Map<string, string>();
  private csrf?: string;
  /** Each client is its own person on its own address (rate limits and throttling count per address). */
  private remoteAddress = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
  constructor(
    private app: App,
    public locale = 'en-US',
  ) {}

  private absorb(setCookie: string | string[] | undefined) {
    for (const c of ([] as string[]).concat(setCookie ?? [])) {
      const [pair = ''] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request<T = any>(
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response<T>> {
    if (!['GET', 'HEAD'].includes(method) && !this.csrf) {
      const r = await this.app.inject({
        method: 'GET',
        url: '/api/auth/csrf',
        headers: { cookie: this.cookieHeader },
        remoteAddress: this.remoteAddress,
      });
      this.absorb(r.headers['set-cookie']);
      this.csrf = r.json().token;
    }
    const res = await this.app.inject({
      method: method as 'GET',
      url,
      remoteAddress: this.remoteAddress,
      headers: {
        cookie: this.cookieHeader,
        'accept-language': this.locale,
        ...(this.csrf && !['GET', 'HEAD'].includes(method) ? { 'x-csrf-token': this.csrf } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    this.absorb(res.headers['set-cookie']);
    let parsed: unknown = res.body;
    try {
      parsed = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.statusCode, body: parsed as T, headers: res.headers };
  }
  get = <T = any>(url: string) => this.request<T>('GET', url);
  post = <T = any>(url: string, body?: unknown, headers?: Record<string, string>) =>
    this.request<T>('POST', url, body ?? {}, headers);
  patch = <T = any>(url: string, body?: unknown) => this.request<T>('PATCH', url, body ?? {});
  delete = <T = any>(url: string) => this.request<T>('DELETE', url);
}

export interface TestPlatform {
  app: App;
  db: Db;
  dataDir: string;
  /** The app also listens here (payment notifications arrive over real HTTP). */
  url: string;
  /** Delivers pending events and runs due jobs until nothing is left (the worker, on demand). */
  settle(): Promise<void>;
  client(locale?: string): Client;
  /** A signed-in client for a new account of that kind. */
  signUp(
    kind: 'shopper' | 'merchant' | 'provider',
    email?: string,
  ): Promise<{ client: Client; accountId: string; email: string }>;
  operator(): Promise<Client>;
  /** A merchant with an approved shop. */
  shopOwner(name?: string): Promise<{ client: Client; accountId: string; shopId: string; email: string }>;
}

let counter = 0;
export const uniqueEmail = (prefix = 'user') => `${prefix}.${process.pid}.${Date.now()}.${counter++}@example.com`;
export const licence = () => `9133${String(Date.now()).slice(-10)}${String(counter++).padStart(4, '0')}`.slice(0, 18);

/** The real app on a fresh database, for one test file. */
export async function createTestPlatform(): Promise<TestPlatform> {
  const { db } = await freshDatabase();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'qiandian-app-'));
  const port = await new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
  // With REDIS_URL (the CI integration pass) rate limits count in Redis, as in production.
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    REDIS_URL: process.env.REDIS_URL,
    PORT: String(port),
  });
  const { app, ctx } = await buildApp(config, db);
  await app.listen({ port, host: '127.0.0.1' });
  const bus = await startEventBus({
    db,
    subscribers: subscribersOf(ctx),
    log: app.log,
    workerId: 'test-bus',
    background: false,
  });
  const runner = await startJobRunner({
    db,
    jobs: jobsOf(ctx),
    log: app.log,
    workerId: 'test-jobs',
    background: false,
  });
  afterAll(async () => {
    await bus.stop();
    await runner.stop();
    await app.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });
  const platform: TestPlatform = {
    app,
    db,
    dataDir,
    url: `http://127.0.0.1:${port}`,
    async settle() {
      // Jobs due within the next few seconds (e.g. notifications a provider sends shortly) count as pending.
      for (let round = 0; round < 200; round++) {
        const moved = (await bus.drain()) + (await runner.runDue());
        if (moved > 0) continue;
        const pending = await db.$client.query(
          `select (select count(*) from outbox where done_at is null and available_at < now() + interval '3 seconds')
                + (select count(*) from jobs where status = 'queued' and run_at < now() + interval '3 seconds') as n`,
        );
        if (Number(pending.rows[0].n) === 0) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('events and jobs did not settle');
    },
    client: (locale) => new Client(app, locale),
    async signUp(kind, email = uniqueEmail(kind)) {
      const client = new Client(app);
      const res = await client.post('/api/auth/register', {
        kind,
        email,
        password: 'correct horse',
        displayName: kind,
      });
      if (res.status !== 201) throw new Error(`sign-up failed: ${JSON.stringify(res.body)}`);
      return { client, accountId: res.body.account.id, email };
    },
    async operator() {
      const email = uniqueEmail('operator');
      await identity.register(db, { kind: 'operator', email, password: 'correct horse', displayName: 'Operator' });
      const client = new Client(app);
      const res = await client.post('/api/auth/login', { identifier: email, password: 'correct horse' });
      if (res.status !== 200) throw new Error('operator sign-in failed');
      return client;
    },
    async shopOwner(name = `Shop ${counter++} ${Date.now()}`) {
      const owner = await platform.signUp('merchant');
      const res = await owner.client.post('/api/shop-applications', {
        name,
        mainCategory: 'food',
        contactName: 'Owner',
        contactPhone: '13900000000',
        licenceNo: licence(),
      });
      if (res.status !== 201) throw new Error(`apply failed: ${JSON.stringify(res.body)}`);
      await shops.review(db, { accountId: owner.accountId, kind: 'operator', sessionId: 'test' }, res.body.shop.id, {
        approve: true,
      });
      return { ...owner, shopId: res.body.shop.id };
    },
  };
  return platform;
}
