/**
 * Storefront behaviour for the customer center (聚星台): page and product views, searches,
 * favourites and follows, queued and sent in batches to `POST /api/beacon` (every few seconds,
 * at ten events, and when the page is hidden). Best effort: nothing a shopper does waits for it.
 * The anonymous device is the `qd_vid` cookie the server sets; after sign-in the same cookie
 * lets the server merge the device's history into the shopper.
 */
export type BehaviourType = 'page_view' | 'product_view' | 'search' | 'favourite' | 'follow';
type Props = Record<string, string | number | boolean | null>;
interface QueuedEvent {
  id: string;
  type: BehaviourType;
  shopId: string;
  at: string;
  props?: Props;
}

const FLUSH_MS = 3_000;
const MAX_QUEUE = 10;
let queue: QueuedEvent[] = [];
let timer: ReturnType<typeof setTimeout> | null = null;

const eventId = () =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;

function send(events: QueuedEvent[], leaving: boolean) {
  if (events.length === 0) return;
  const body = JSON.stringify({ events });
  // When the page goes away only sendBeacon is sure to get out; otherwise a keepalive fetch.
  if (leaving && typeof navigator !== 'undefined' && navigator.sendBeacon) {
    if (navigator.sendBeacon('/api/beacon', new Blob([body], { type: 'application/json' }))) return;
  }
  void fetch('/api/beacon', {
    method: 'POST',
    body,
    keepalive: true,
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
  }).catch(() => undefined);
}

/** Sends what is queued now. */
export function flushBehaviour(leaving = false) {
  if (timer) clearTimeout(timer);
  timer = null;
  const events = queue;
  queue = [];
  send(events, leaving);
}

/** Queues one event for the shop's customer center. */
export function track(type: BehaviourType, shopId: string, props?: Props) {
  if (!shopId) return;
  queue.push({ id: eventId(), type, shopId, at: new Date().toISOString(), ...(props ? { props } : {}) });
  if (queue.length >= MAX_QUEUE) flushBehaviour();
  else timer ??= setTimeout(() => flushBehaviour(), FLUSH_MS);
}

if (typeof window !== 'undefined') {
  window.addEventListener('pagehide', () => flushBehaviour(true));
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flushBehaviour(true);
  });
}
