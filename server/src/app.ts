import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { z } from 'zod';
import type { Config } from './kernel/config.js';
import { startEmbeddedPostgres, type EmbeddedServer } from './kernel/db/embedded.js';
import { runMigrations } from './kernel/db/migrate.js';
import { createDb, type Db } from './kernel/db/pool.js';
import type { Subscriber } from './kernel/events/outbox.js';
import { AppError } from './kernel/http/errors.js';
import { newToken } from './kernel/ids.js';
import { housekeepingJobs } from './kernel/housekeeping.js';
import { createHttpServer, sendProblem, type App } from './kernel/http/server.js';
import type { JobDefinition } from './kernel/jobs/queue.js';
import type { Module, ModuleContext } from './kernel/module.js';
import { activityModule } from './modules/activity/index.js';
import { aftersalesModule } from './modules/aftersales/index.js';
import { catalogModule } from './modules/catalog/index.js';
import { checkoutModule } from './modules/checkout/index.js';
import { customersModule } from './modules/customers/index.js';
import { inventoryModule } from './modules/inventory/index.js';
import { flashsaleModule } from './modules/flashsale/index.js';
import { fulfillmentModule } from './modules/fulfillment/index.js';
import { ordersModule } from './modules/orders/index.js';
import { paymentsModule } from './modules/payments/index.js';
import { testpayModule } from './modules/testpay/index.js';
import { identityModule, sessionAuthenticator } from './modules/identity/index.js';
import { mediaModule } from './modules/media/index.js';
import { o2oModule } from './modules/o2o/index.js';
import { qimenModule } from './modules/qimen/index.js';
import { statsModule } from './modules/stats/index.js';
import { storefrontModule } from './modules/storefront/index.js';
import { strategyModule } from './modules/strategy/index.js';
import { installShopAccess, shopsModule } from './modules/shops/index.js';

/** Every domain module, in the order their routes register. */
export const MODULES: Module[] = [
  identityModule,
  mediaModule,
  shopsModule,
  activityModule,
  catalogModule,
  inventoryModule,
  fulfillmentModule,
  ordersModule,
  paymentsModule,
  testpayModule,
  checkoutModule,
  aftersalesModule,
  statsModule,
  storefrontModule,
  customersModule,
  strategyModule,
  o2oModule,
  qimenModule,
  flashsaleModule,
];

const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');
const WEB_APPS = ['seller', 'admin', 'm'];

async function cookieSecret(config: Config): Promise<string> {
  if (config.SESSION_SECRET) return config.SESSION_SECRET;
  const file = path.join(config.DATA_DIR, 'session-secret');
  const existing = await fsp.readFile(file, 'utf8').catch(() => '');
  if (existing.trim().length >= 32) return existing.trim();
  const secret = newToken(48);
  await fsp.mkdir(config.DATA_DIR, { recursive: true });
  await fsp.writeFile(file, secret, { mode: 0o600 });
  return secret;
}

/** The database: DATABASE_URL's server, or the embedded PostgreSQL in DATA_DIR. Migrated. */
export async function openDatabase(config: Config, log: (line: string) => void = () => {}) {
  let embedded: EmbeddedServer | undefined;
  let url = config.DATABASE_URL;
  if (!url) {
    embedded = await startEmbeddedPostgres(config.DATA_DIR, { log, databases: ['qiandian'] });
    url = embedded.url('qiandian');
  }
  const db = createDb(url);
  try {
    await runMigrations(db);
  } catch (e) {
    await db.$client.end();
    await embedded?.stop();
    throw e;
  }
  return {
    db,
    embedded,
    async close() {
      await db.$client.end();
      await embedded?.stop();
    },
  };
}

export function subscribersOf(ctx: ModuleContext): Subscriber[] {
  return MODULES.flatMap((m) => m.subscribers?.(ctx) ?? []);
}
export function jobsOf(ctx: ModuleContext): JobDefinition[] {
  return [...housekeepingJobs(ctx.db), ...MODULES.flatMap((m) => m.jobs?.(ctx) ?? [])];
}

/** Composes the HTTP app: kernel behaviour, every module's routes, health, and the web app. */
export async function buildApp(
  config: Config,
  db: Db,
  opts: { init?: boolean } = {},
): Promise<{ app: App; ctx: ModuleContext; redis?: Redis }> {
  const redis = config.REDIS_URL
    ? new Redis(config.REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 2 })
    : undefined;
  const app = await createHttpServer({
    db,
    logLevel: config.LOG_LEVEL,
    cookieSecret: await cookieSecret(config),
    cookieSecure: config.COOKIE_SECURE,
    authenticate: sessionAuthenticator(db),
    redis,
    rateLimit: config.RATE_LIMIT_PER_MINUTE,
  });
  app.addHook('onClose', async () => {
    redis?.disconnect();
  });
  const ctx: ModuleContext = { db, config, log: app.log };
  installShopAccess(app, db);

  app.get(
    '/api/health',
    {
      schema: { tags: ['system'], summary: 'Liveness', response: { 200: z.object({ status: z.literal('ok') }) } },
      config: { rateLimit: false },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/api/ready',
    { schema: { tags: ['system'], summary: 'Readiness: the database answers' }, config: { rateLimit: false } },
    async (request, reply) => {
      try {
        await db.execute(sql`select 1`);
        return { status: 'ready' };
      } catch {
        return sendProblem(request, reply, new AppError(503, 'service_unavailable'));
      }
    },
  );

  if (opts.init !== false) for (const m of MODULES) await m.init?.(ctx);
  for (const m of MODULES) {
    if (m.routes) await app.register(async (scope) => m.routes!(scope as App, ctx));
  }

  if (fs.existsSync(path.join(WEB_DIST, 'index.html'))) {
    await app.register(fastifyStatic, {
      root: WEB_DIST,
      index: ['index.html'],
      cacheControl: false,
      // Built assets carry a content hash in their names; pages must be revalidated.
      setHeaders: (res, filePath) =>
        res.header(
          'cache-control',
          filePath.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        ),
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const appName = WEB_APPS.find(
      (a) => request.url === `/${a}` || request.url.startsWith(`/${a}/`) || request.url.startsWith(`/${a}?`),
    );
    if (appName && request.method === 'GET' && fs.existsSync(path.join(WEB_DIST, appName, 'index.html'))) {
      return reply.header('cache-control', 'no-cache').sendFile(`${appName}/index.html`);
    }
    return sendProblem(request, reply, new AppError(404, 'route_not_found'));
  });
  return { app, ctx, redis };
}
