/**
 * A warehouse (WMS) that speaks Qimen, for tests and demos. It receives signed
 * `deliveryorder.create` and `order.cancel` calls, checks their signatures, answers in the Qimen
 * envelope and, after a delay, confirms each delivery order back to the gateway with a signed
 * `deliveryorder.confirm` carrying a tracking number. It can also report stock changes and
 * counts (`stockchange.report`, `inventory.report`).
 *
 *   npm run wms-simulator -w server -- --port 3100 --gateway http://127.0.0.1:3000 \
 *     --app-key demo-wms --secret demo-wms-secret [--customer-id demo-wms] [--sign-method md5]
 *     [--confirm-delay-ms 3000] [--carrier SF]
 *
 * Set the partner's endpoint URL in the workbench to the URL it prints.
 */
import { randomInt } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import {
  buildRequest,
  type Doc,
  type Envelope,
  failure,
  type Format,
  list,
  obj,
  parseBody,
  parseTimestamp,
  post,
  QIMEN_CODES,
  serialize,
  shortMethod,
  sign,
  signatureMatches,
  type SignMethod,
  success,
  text,
  TIMESTAMP_WINDOW_MS,
} from '../modules/qimen/protocol.js';

export interface WmsSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** The Qiandian server, e.g. http://127.0.0.1:3000 (the router path is added). */
  gateway: string;
  appKey: string;
  secret: string;
  customerId?: string;
  signMethod?: SignMethod;
  /** How long after a delivery order arrives it is confirmed as shipped; null: only by `confirm()`. */
  confirmDelayMs?: number | null;
  /** Qimen logistics code for the parcels, e.g. SF, YTO, ZTO. */
  carrier?: string;
  format?: Format;
  log?: (line: string) => void;
}

export interface SimulatedOrder {
  deliveryOrderCode: string;
  deliveryOrderId: string;
  warehouseCode: string;
  lines: { itemCode: string; planQty: number }[];
  status: 'accepted' | 'shipped' | 'cancelled';
  trackingNo: string | null;
  /** The gateway's answer to our confirm. */
  confirmAnswer: Envelope | null;
}

export interface ReceivedCall {
  method: string;
  verified: boolean;
  body: string;
  answer: Envelope;
}

export interface WmsSimulator {
  /** The endpoint URL to give the partner in the workbench. */
  url: string;
  port: number;
  orders: Map<string, SimulatedOrder>;
  received: ReceivedCall[];
  /** false: answer every call with HTTP 503 (a warehouse that is down). */
  setAvailable(up: boolean): void;
  /** Confirms a delivery order now (shipped, with a tracking number). */
  confirm(deliveryOrderCode: string): Promise<Envelope>;
  /** Calls the gateway: any method, a document. */
  call(method: string, doc: Doc): Promise<Envelope>;
  reportStockChange(
    items: { warehouseCode: string; itemCode: string; quantity: number; outBizCode?: string }[],
  ): Promise<Envelope>;
  reportInventory(
    warehouseCode: string,
    items: { itemCode: string; quantity: number }[],
    outBizCode?: string,
  ): Promise<Envelope>;
  stop(): Promise<void>;
}

const trackingNo = (carrier: string) =>
  `${carrier.replace(/[^A-Z]/gi, '').toUpperCase() || 'WMS'}${Date.now().toString().slice(-8)}${String(randomInt(10_000)).padStart(4, '0')}`;

export async function startWmsSimulator(opts: WmsSimulatorOptions): Promise<WmsSimulator> {
  const log = opts.log ?? (() => {});
  const signMethod = opts.signMethod ?? 'md5';
  const customerId = opts.customerId ?? opts.appKey;
  const carrier = opts.carrier ?? 'SF';
  const format = opts.format ?? 'xml';
  const confirmDelayMs = opts.confirmDelayMs === undefined ? 2000 : opts.confirmDelayMs;
  const gatewayUrl = new URL('/router/qimen/service', opts.gateway).toString();
  const orders = new Map<string, SimulatedOrder>();
  const received: ReceivedCall[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let available = true;
  let seq = 0;

  async function call(method: string, doc: Doc): Promise<Envelope> {
    const req = buildRequest({
      method,
      appKey: opts.appKey,
      customerId,
      secret: opts.secret,
      sign: { method: signMethod },
      doc,
      format,
    });
    const res = await post(gatewayUrl, req);
    log(`→ ${method}: ${res.envelope.flag} ${res.envelope.code} ${res.envelope.message}`);
    return res.envelope;
  }

  async function confirm(code: string): Promise<Envelope> {
    const order = orders.get(code);
    if (!order) return failure('404', `unknown delivery order ${code}`);
    if (order.status === 'cancelled') return failure('409', 'cancelled');
    order.trackingNo ??= trackingNo(carrier);
    const doc: Doc = {
      deliveryOrder: {
        deliveryOrderCode: order.deliveryOrderCode,
        deliveryOrderId: order.deliveryOrderId,
        warehouseCode: order.warehouseCode,
        orderType: 'JYCK',
        status: 'DELIVERED',
        outBizCode: `CONFIRM-${order.deliveryOrderId}`,
        confirmType: '0',
        orderConfirmTime: new Date().toISOString().slice(0, 19).replace('T', ' '),
        logisticsCode: carrier,
      },
      packages: {
        package: [
          {
            logisticsCode: carrier,
            expressCode: order.trackingNo,
            items: { item: order.lines.map((l) => ({ itemCode: l.itemCode, quantity: String(l.planQty) })) },
          },
        ],
      },
      orderLines: {
        orderLine: order.lines.map((l) => ({
          itemCode: l.itemCode,
          inventoryType: 'ZP',
          actualQty: String(l.planQty),
        })),
      },
    };
    // Retried a few times as a real WMS would; the gateway applies it once (same outBizCode).
    let answer: Envelope = failure('', 'not sent');
    for (let attempt = 0; attempt < 5; attempt++) {
      answer = await call('deliveryorder.confirm', doc);
      if (answer.flag === 'success' || (answer.code !== '' && answer.code !== QIMEN_CODES.unavailable)) break;
      await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
    }
    order.confirmAnswer = answer;
    if (answer.flag === 'success') {
      order.status = 'shipped';
      log(`shipped ${code} with ${carrier} ${order.trackingNo}`);
    }
    return answer;
  }

  function handle(method: string, doc: Doc): Envelope {
    switch (method) {
      case 'deliveryorder.create': {
        const d = obj(doc.deliveryOrder);
        const code = text(d.deliveryOrderCode);
        if (!code) return failure(QIMEN_CODES.badArguments, 'deliveryOrder.deliveryOrderCode is required');
        const existing = orders.get(code);
        if (existing) {
          return success(
            { deliveryOrderId: existing.deliveryOrderId, warehouseCode: existing.warehouseCode },
            'exists',
          );
        }
        const lines = list(doc.orderLines, 'orderLine').map((l) => ({
          itemCode: text(l.itemCode),
          planQty: Number(text(l.planQty)) || 0,
        }));
        if (!lines.length || lines.some((l) => !l.itemCode || l.planQty <= 0)) {
          return failure(QIMEN_CODES.badArguments, 'orderLines.orderLine needs itemCode and planQty');
        }
        const order: SimulatedOrder = {
          deliveryOrderCode: code,
          deliveryOrderId: `WMS${Date.now().toString().slice(-6)}${++seq}`,
          warehouseCode: text(d.warehouseCode),
          lines,
          status: 'accepted',
          trackingNo: null,
          confirmAnswer: null,
        };
        orders.set(code, order);
        if (confirmDelayMs !== null) {
          const t = setTimeout(() => {
            timers.delete(t);
            void confirm(code).catch((e: unknown) => log(`confirm ${code} failed: ${String(e)}`));
          }, confirmDelayMs);
          timers.add(t);
        }
        return success({
          deliveryOrderId: order.deliveryOrderId,
          createTime: new Date().toISOString().slice(0, 19).replace('T', ' '),
          warehouseCode: order.warehouseCode,
          logisticsCode: carrier,
        });
      }
      case 'order.cancel': {
        const code = text(doc.orderCode);
        const order = orders.get(code);
        if (!order) return success({}, 'nothing to cancel');
        if (order.status === 'shipped') return failure('SHIPPED', `${code} has already shipped`);
        order.status = 'cancelled';
        return success();
      }
      default:
        return failure(QIMEN_CODES.unsupportedMethod, `method not supported: ${method}`);
    }
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const query = Object.fromEntries(url.searchParams);
      const fmt: Format = query.format === 'json' ? 'json' : 'xml';
      const body = Buffer.concat(chunks);
      const method = shortMethod(query.method ?? '');
      let answer: Envelope;
      let verified = false;
      if (!available) {
        res.writeHead(503).end('down');
        received.push({ method, verified, body: body.toString('utf8'), answer: failure('503', 'down') });
        return;
      }
      const expected = sign(query, body, opts.secret, { method: (query.sign_method as SignMethod) || 'md5' });
      const at = parseTimestamp(query.timestamp ?? '');
      if (query.app_key !== opts.appKey || !signatureMatches(query.sign, expected)) {
        answer = failure(QIMEN_CODES.badSignature, 'invalid signature');
      } else if (at === null || Math.abs(Date.now() - at) > TIMESTAMP_WINDOW_MS) {
        answer = failure(QIMEN_CODES.badSignature, 'stale timestamp');
      } else {
        verified = true;
        try {
          answer = handle(method, parseBody(body.toString('utf8'), fmt));
        } catch (e) {
          answer = failure(QIMEN_CODES.badArguments, (e as Error).message);
        }
      }
      received.push({ method, verified, body: body.toString('utf8'), answer });
      log(`← ${method}: ${answer.flag} ${answer.code} ${answer.message}`);
      res
        .writeHead(200, {
          'content-type': fmt === 'json' ? 'application/json;charset=utf-8' : 'text/xml;charset=utf-8',
        })
        .end(serialize(answer, fmt, 'response'));
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const host = opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1';

  return {
    url: `http://${host}:${port}/qimen`,
    port,
    orders,
    received,
    setAvailable: (up) => void (available = up),
    confirm,
    call,
    reportStockChange: (items) =>
      call('stockchange.report', {
        items: {
          item: items.map((it, i) => ({
            ownerCode: customerId,
            warehouseCode: it.warehouseCode,
            orderCode: `ADJ-${Date.now()}-${i}`,
            orderType: 'PDTZ',
            outBizCode: it.outBizCode ?? `SC-${Date.now()}-${i}-${randomInt(1e6)}`,
            itemCode: it.itemCode,
            inventoryType: 'ZP',
            quantity: String(it.quantity),
            changeTime: new Date().toISOString().slice(0, 19).replace('T', ' '),
          })),
        },
      }),
    reportInventory: (warehouseCode, items, outBizCode) =>
      call('inventory.report', {
        warehouseCode,
        ownerCode: customerId,
        outBizCode: outBizCode ?? `INV-${Date.now()}-${randomInt(1e6)}`,
        items: {
          item: items.map((it) => ({ itemCode: it.itemCode, inventoryType: 'ZP', quantity: String(it.quantity) })),
        },
      }),
    async stop() {
      for (const t of timers) clearTimeout(t);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function args(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2) as [string, string | undefined];
      out[k] = v ?? argv[++i] ?? '';
    }
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const a = args(process.argv.slice(2));
  if (!a.gateway || !a['app-key'] || !a.secret) {
    console.error(
      'usage: wms-simulator --gateway http://127.0.0.1:3000 --app-key KEY --secret SECRET [--port 3100] ' +
        '[--customer-id ID] [--sign-method md5|hmac|hmac-sha256] [--confirm-delay-ms 3000] [--carrier SF] [--format xml|json]',
    );
    process.exit(2);
  }
  const sim = await startWmsSimulator({
    port: Number(a.port ?? 3100),
    host: a.host ?? '127.0.0.1',
    gateway: a.gateway,
    appKey: a['app-key'],
    secret: a.secret,
    customerId: a['customer-id'],
    signMethod: (a['sign-method'] as SignMethod) ?? 'md5',
    confirmDelayMs: a['confirm-delay-ms'] !== undefined ? Number(a['confirm-delay-ms']) : 3000,
    carrier: a.carrier,
    format: a.format === 'json' ? 'json' : 'xml',
    log: (line) => console.log(`[wms ${new Date().toISOString()}] ${line}`),
  });
  console.log(`WMS simulator listening; set the partner's endpoint URL to ${sim.url}`);
  const stop = () => void sim.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
