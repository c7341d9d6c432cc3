import type { Module } from '../../kernel/module.js';

export * as inventory from './service.js';

export const inventoryModule: Module = { name: 'inventory' };
