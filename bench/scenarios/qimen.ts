/**
 * qimen: signed Qimen `inventory.query` calls per second through the gateway vs a bare Fastify route.
 *
 * Starts the real platform in this process, seeds a shop through the HTTP API (a product with
 * three SKUs, the warehouse WH-CLOUD, a WMS partner running it, stock reported through the
 * gateway), then drives `POST /router/qimen/service?method=taobao.qimen.inventory.query…` with a
 * signed JSON body asking for the three SKUs at WH-CLOUD — partner lookup by app key, signature
 * (md5) and timestamp check, body parsing, item codes, stock read under row-level security, the
 * message log insert, the envelope — and, in the same run and process, a bare Fastify route that
 * parses the same JSON body and answers a small JSON object. ratio = qimen_rps / bare_rps.
 *
 * The request is signed once (the timestamp stays within Qimen's 5-minute window for the run).
 */
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { buildRequest, parseEnvelope, urlWithQuery } from '../../server/src/modules/qimen/protocol.js';
import { openShop } from '../lib/shop.js';
import { measure } from '../lib/load.js';
import { startPlatform, type BenchPlatform } from '../lib/platform.js';

export const description =
  'signed Qimen inventory.query (POST /router/qimen/service, md5, JSON) vs a bare Fastify JSON route, same process';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const WARMUP_S = 1;
const ROUNDS = Math.max(1, Math.min(DURATION_S, 5));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);

const tag = `${process.pid}.${Date.now()}`;
const CODES = ['6900000000011', '6900000000028', '6900000000035'];

interface Seeded {
  appKey: string;
  secret: string;
}

async function seed(p: BenchPlatform): Promise<Seeded> {
  const { owner, shop } = await openShop(p, 'Bench');

  await owner.post(`/api/shops/${shop.id}/products`, {
    title: '基准测试 红茶',
    platformCategoryId: 'tea.black',
    status: 'on_shelf',
    specAxes: [{ name: '规格', values: ['50g', '100g', '250g'] }],
    skus: ['50g', '100g', '250g'].map((v, i) => ({ spec: { 规格: v }, price: 5000, stock: 0, barcode: CODES[i] })),
  });
  const location = await owner.post<{ id: string }>(`/api/shops/${shop.id}/locations`, {
    name: '云仓',
    kind: 'warehouse',
    code: 'WH-CLOUD',
  });
  const { partner, secret } = await owner.post<{ partner: { appKey: string }; secret: string }>(
    `/api/shops/${shop.id}/qimen/partners`,
    // The partner's call limit (default 6000 a minute) must not be what is measured: set it as high as it goes.
    {
      name: 'Bench WMS',
      customerId: 'BENCH',
      signMethod: 'md5',
      locationIds: [location.id],
      callsPerMinute: 10_000_000,
    },
  );
  const report = buildRequest({
    method: 'inventory.report',
    appKey: partner.appKey,
    customerId: 'BENCH',
    secret,
    sign: { method: 'md5' },
    format: 'json',
    doc: {
      warehouseCode: 'WH-CLOUD',
      outBizCode: `bench-${tag}`,
      items: { item: CODES.map((itemCode, i) => ({ itemCode, quantity: String(100 * (i + 1)) })) },
    },
  });
  const res = await fetch(urlWithQuery(`${p.base}/router/qimen/service`, report.query), {
    method: 'POST',
    headers: { 'content-type': report.contentType },
    body: report.body,
  });
  const envelope = parseEnvelope(await res.text(), 'json');
  if (envelope.flag !== 'success') throw new Error(`inventory.report failed: ${JSON.stringify(envelope)}`);
  return { appKey: partner.appKey, secret };
}

async function startBare() {
  const bare = Fastify({ logger: false });
  bare.post('/bare', async (request) => ({
    response: { flag: 'success', code: '0', message: 'OK', n: Object.keys(request.body as object).length },
  }));
  await bare.listen({ host: '127.0.0.1', port: 0 });
  return { app: bare, url: `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}/bare` };
}

const round = (n: number) => Math.round(n * 1000) / 1000;
const t0 = Date.now();
const progress = (what: string) => console.error(`[qimen ${((Date.now() - t0) / 1000).toFixed(1)}s] ${what}`);

export async function run(): Promise<Record<string, number | string>> {
  const platform = await startPlatform();
  progress(`platform up at ${platform.base} (${platform.database} PostgreSQL)`);
  const bare = await startBare();
  try {
    const { appKey, secret } = await seed(platform);
    // The load generator sends `JSON.stringify(body)`: those are the bytes signed here.
    const body = {
      criteriaList: {
        criteria: CODES.map((itemCode) => ({ warehouseCode: 'WH-CLOUD', itemCode, inventoryType: 'ZP' })),
      },
    };
    const req = buildRequest({
      method: 'inventory.query',
      appKey,
      customerId: 'BENCH',
      secret,
      sign: { method: 'md5' },
      format: 'json',
      doc: JSON.stringify(body),
    });
    const url = urlWithQuery(`${platform.base}/router/qimen/service`, req.query);
    const probe = parseEnvelope(
      await (await fetch(url, { method: 'POST', headers: { 'content-type': req.contentType }, body: req.body })).text(),
      'json',
    );
    if (probe.flag !== 'success') throw new Error(`inventory.query failed: ${JSON.stringify(probe)}`);
    progress(`seeded; measuring ${DURATION_S}s each, in ${ROUNDS} alternating rounds, at ${CONNECTIONS} connections`);
    const figures = await measure({
      targets: {
        qimen: { url, method: 'POST', body },
        bare: { url: bare.url, method: 'POST', body },
      },
      connections: CONNECTIONS,
      durationSec: DURATION_S,
      rounds: ROUNDS,
      warmupSec: WARMUP_S,
    });
    const q = figures.qimen!;
    const b = figures.bare!;
    // Every answer must have been a success envelope (HTTP 200 alone says nothing in Qimen).
    const failed = await platform.db.$client.query(
      `select count(*)::int as n from qimen_messages where status <> 'succeeded' and direction = 'in'`,
    );
    if ((failed.rows[0] as { n: number }).n > 0) throw new Error(`${failed.rows[0].n} inventory.query calls failed`);
    // A call refused by the partner's call limit (code 7) is not logged: every recorded request
    // must have left a succeeded row.
    const succeeded = await platform.db.$client.query(
      `select count(*)::int as n from qimen_messages where status = 'succeeded' and method = 'inventory.query'`,
    );
    const n = (succeeded.rows[0] as { n: number }).n;
    if (n < q.requests) throw new Error(`only ${n} of ${q.requests} inventory.query calls succeeded (call limit?)`);
    return {
      qimen_rps: q.rps,
      qimen_p50_ms: q.p50_ms,
      qimen_p99_ms: q.p99_ms,
      bare_rps: b.rps,
      bare_p50_ms: b.p50_ms,
      bare_p99_ms: b.p99_ms,
      ratio: round(q.rps / b.rps),
      connections: CONNECTIONS,
      duration_s: DURATION_S,
      database: platform.database,
    };
  } finally {
    await bare.app.close();
    await platform.close();
  }
}
