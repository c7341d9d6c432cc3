/**
 * ingest: storefront beacon events per second through the customer center's ingest (each event
 * validated, the shopper resolved or created under identity locks, duplicates checked, events
 * appended to the partitioned log, the profile updated, the tag refresh queued — one transaction
 * per batch), against a bare multi-row INSERT of the same events into the same table in the
 * same run. Many shoppers (devices) send batches of 20 concurrently.
 * ratio = ingest_events_per_s / raw_insert_events_per_s.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { customers } from '../../server/src/modules/customers/index.js';
import { openShop } from '../lib/shop.js';
import { startPlatform } from '../lib/platform.js';

export const description =
  'beacon events per second (validate, resolve shopper, dedupe, log, profile) vs a bare INSERT of the same events';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const BATCH = 20;
const DEVICES = Number(process.env.BENCH_DEVICES ?? 200);

export async function run() {
  const p = await startPlatform();
  try {
    // An open shop, through the API and an operator's approval.
    const { shop } = await openShop(p, 'Ingest');

    const batch = () =>
      Array.from({ length: BATCH }, (_, i) => ({
        id: randomUUID(),
        type: i % 4 === 0 ? 'product_view' : 'page_view',
        shopId: shop.id,
        at: new Date().toISOString(),
        ...(i % 4 === 0 ? { props: { productId: `prd_${i}`, categoryId: 'tea.black' } } : {}),
      }));
    let device = 0;
    const ingestOne = async () => {
      const res = await customers.ingest(p.db, { deviceId: `bench-device-${device++ % DEVICES}` }, batch(), 'en-US');
      if (res.accepted !== BATCH)
        throw new Error(`ingest accepted ${res.accepted}: ${JSON.stringify(res.rejected[0])}`);
      return res.accepted;
    };
    const rawOne = async () => {
      const events = batch();
      await p.db.execute(sql`
        insert into customer_events (shop_id, event_id, occurred_at, customer_no, type, props)
        select ${shop.id}, e->>'id', (e->>'at')::timestamptz, 999999, e->>'type', coalesce(e->'props', '{}'::jsonb)
          from jsonb_array_elements(${JSON.stringify(events)}::jsonb) e`);
      return events.length;
    };
    const drive = async (fn: () => Promise<number>, seconds: number) => {
      const until = performance.now() + seconds * 1000;
      let events = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (performance.now() < until) events += await fn();
        }),
      );
      return events / seconds;
    };
    await drive(ingestOne, 1);
    await drive(rawOne, 1);
    // Alternate slices so a neighbour's burst on a shared machine hits both alike.
    const slices = Math.max(2, Math.min(DURATION_S, 6));
    const per = DURATION_S / slices;
    const ingestRates: number[] = [];
    const rawRates: number[] = [];
    for (let s = 0; s < slices; s++) {
      ingestRates.push(await drive(ingestOne, per));
      rawRates.push(await drive(rawOne, per));
    }
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const ingestEps = avg(ingestRates);
    const rawEps = avg(rawRates);
    return {
      database: p.database,
      ingest_events_per_s: Math.round(ingestEps),
      raw_insert_events_per_s: Math.round(rawEps),
      batch: BATCH,
      concurrency: CONCURRENCY,
      ratio: Number((ingestEps / rawEps).toFixed(3)),
    };
  } finally {
    await p.close();
  }
}
