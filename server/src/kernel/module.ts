import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';
import type { Db } from './db/pool.js';
import type { Subscriber } from './events/outbox.js';
import type { App } from './http/server.js';
import type { JobDefinition } from './jobs/queue.js';

export interface ModuleContext {
  db: Db;
  config: Config;
  log: FastifyBaseLogger;
}

/** What a domain module hands to the composition root (src/app.ts). */
export interface Module {
  name: string;
  /** Prepares what the module needs before anything runs (reference data, provider registries). */
  init?(ctx: ModuleContext): Promise<void> | void;
  /** Registers the module's HTTP routes (an encapsulated Fastify plugin). */
  routes?(app: App, ctx: ModuleContext): Promise<void>;
  subscribers?(ctx: ModuleContext): Subscriber[];
  jobs?(ctx: ModuleContext): JobDefinition[];
}
