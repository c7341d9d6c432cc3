import fs from 'node:fs/promises';
import fastifyStatic from '@fastify/static';
import type { Module } from '../../kernel/module.js';
import { mediaRoot } from './service.js';

export * as media from './service.js';

export const mediaModule: Module = {
  name: 'media',
  async routes(app, { config }) {
    const root = mediaRoot(config.DATA_DIR);
    await fs.mkdir(root, { recursive: true });
    // Stored names are unique and never rewritten, so they can be cached for good.
    await app.register(fastifyStatic, {
      root,
      prefix: '/media/',
      decorateReply: false,
      immutable: true,
      maxAge: '365d',
      index: false,
    });
  },
};
