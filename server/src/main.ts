import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildApp, jobsOf, openDatabase, subscribersOf } from './app.js';
import { ConfigError, loadConfig, type Config } from './kernel/config.js';
import { DataDirInUseError } from './kernel/db/embedded.js';
import { createDb } from './kernel/db/pool.js';
import { startEventBus } from './kernel/events/dispatcher.js';
import { startJobRunner } from './kernel/jobs/runner.js';
import { seedDemo } from './seed/index.js';
import { DEMO_WMS } from './seed/qimen.js';
import type { FastifyBaseLogger } from 'fastify';

const USAGE = `Usage: qiandian <command>
  serve [--seed] [--no-worker] [--wms-simulator]
                                HTTP API, web app and (unless --no-worker) the event dispatcher and jobs;
                                --wms-simulator also runs the demo WMS where the seeded demo-wms partner points
  worker                        only the event dispatcher and job runner
  migrate                       apply database migrations and exit
  seed                          create the demo data (idempotent) and exit
  openapi <file>                write the OpenAPI document to a file and exit`;

const workerId = () => `${os.hostname()}:${process.pid}`;

function onShutdown(fn: () => Promise<void>) {
  let closing = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (closing) return;
      closing = true;
      fn().then(
        () => process.exit(0),
        (e) => {
          console.error(e);
          process.exit(1);
        },
      );
    });
  }
}

async function startWorkers(config: Config, ctx: Parameters<typeof subscribersOf>[0]) {
  const bus = await startEventBus({
    db: ctx.db,
    subscribers: subscribersOf(ctx),
    log: ctx.log,
    workerId: workerId(),
    natsUrl: config.NATS_URL,
  });
  const runner = await startJobRunner({ db: ctx.db, jobs: jobsOf(ctx), log: ctx.log, workerId: workerId() });
  return async () => {
    await runner.stop();
    await bus.stop();
  };
}

/**
 * The demo's warehouse: the WMS simulator where the seeded `demo-wms` partner points, so orders
 * routed to WH-CLOUD come back shipped. Not started if its port is taken (say, by
 * `npm run wms-simulator`).
 */
async function startDemoWms(port: number, log: FastifyBaseLogger) {
  const { startWmsSimulator } = await import('./tools/wms-simulator.js');
  const endpoint = new URL(DEMO_WMS.endpointUrl);
  try {
    const sim = await startWmsSimulator({
      port: Number(endpoint.port),
      host: endpoint.hostname,
      gateway: `http://127.0.0.1:${port}`,
      appKey: DEMO_WMS.appKey,
      secret: DEMO_WMS.secret,
      customerId: DEMO_WMS.customerId,
      confirmDelayMs: 15_000,
    });
    log.info(`demo WMS simulator (${DEMO_WMS.appKey}) at ${sim.url}`);
    return sim;
  } catch (e) {
    log.warn({ err: e }, `demo WMS simulator not started (${DEMO_WMS.endpointUrl})`);
    return undefined;
  }
}

async function main(argv: string[]) {
  const [command, ...args] = argv;
  const config = loadConfig();
  switch (command) {
    case 'serve': {
      const database = await openDatabase(config);
      const { app, ctx } = await buildApp(config, database.db);
      if (args.includes('--seed')) app.log.info(await seedDemo(database.db, config, app.log));
      const stopWorkers = args.includes('--no-worker') ? async () => {} : await startWorkers(config, ctx);
      let demoWms: { stop(): Promise<void> } | undefined;
      onShutdown(async () => {
        app.log.info('shutting down');
        await demoWms?.stop();
        await app.close();
        await stopWorkers();
        await database.close();
      });
      await app.listen({ port: config.PORT, host: config.HOST });
      app.log.info(`Qiandian is up: http://localhost:${config.PORT}/seller  /admin  /m  /api/docs`);
      if (args.includes('--wms-simulator')) demoWms = await startDemoWms(config.PORT, app.log);
      return;
    }
    case 'worker': {
      const database = await openDatabase(config);
      const { app, ctx } = await buildApp(config, database.db);
      const stopWorkers = await startWorkers(config, ctx);
      onShutdown(async () => {
        await stopWorkers();
        await app.close();
        await database.close();
      });
      app.log.info('worker running');
      return;
    }
    case 'migrate': {
      const database = await openDatabase(config);
      await database.close();
      console.log('migrations applied');
      return;
    }
    case 'seed': {
      const database = await openDatabase(config);
      try {
        const { app } = await buildApp(config, database.db);
        console.log(await seedDemo(database.db, config, app.log));
        await app.close();
      } finally {
        await database.close();
      }
      return;
    }
    case 'openapi': {
      const out = args[0];
      if (!out) throw new ConfigError(USAGE);
      // Routes are registered without touching the database: the pool connects lazily.
      const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'qiandian-openapi-'));
      const db = createDb('postgres://openapi@127.0.0.1:1/none');
      const { app } = await buildApp({ ...config, DATA_DIR: dataDir, LOG_LEVEL: 'silent', REDIS_URL: undefined }, db, {
        init: false,
      });
      await app.ready();
      await fs.writeFile(out, `${JSON.stringify(app.swagger(), null, 2)}\n`);
      await app.close();
      await db.$client.end();
      await fs.rm(dataDir, { recursive: true, force: true });
      console.log(`wrote ${out}`);
      return;
    }
    default:
      console.log(USAGE);
      process.exitCode = command ? 2 : 0;
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof ConfigError || e instanceof DataDirInUseError) {
    console.error(e.message);
  } else {
    console.error(e);
  }
  process.exit(1);
});
