import type { Module } from '../../kernel/module.js';
import { activitySubscriber } from './service.js';

export * as activity from './service.js';

export const activityModule: Module = {
  name: 'activity',
  subscribers: () => [activitySubscriber],
};
