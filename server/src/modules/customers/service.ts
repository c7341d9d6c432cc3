/**
 * The customers module's public face (聚星台 customer center): other modules use these, never
 * the tables. Contract with the strategy module: `customerFor`, `segmentMembership`,
 * `listSegments`, `onBehaviour` keep their signatures.
 */
export { customerFor, ensureCustomer, setAttributes, type Who } from './profiles.js';
export { segmentMembership } from './store.js';
export { listSegments, segmentBitmap } from './segments.js';
export {
  onBehaviour,
  ingest,
  BEHAVIOUR_TYPES,
  type AcceptedEvent,
  type BehaviourListener,
  type BehaviourType,
} from './beacon.js';
export { refreshShop, recomputeShop } from './refresh.js';
