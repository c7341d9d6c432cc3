import type { Module } from '../../kernel/module.js';
import { mediaRoutes } from './routes.js';
import { configureStorage } from './storage.js';

export * as media from './service.js';

export const mediaModule: Module = {
  name: 'media',
  init({ config }) {
    configureStorage(config);
  },
  routes: mediaRoutes,
};
