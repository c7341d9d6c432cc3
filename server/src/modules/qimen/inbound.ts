import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../kernel/db/pool.js';
import { withShop } from '../../kernel/db/tenant.js';
import { AppError } from '../../kernel/http/errors.js';
import { defineMessages, type Locale, translate } from '../../kernel/http/i18n.js';
import { newId } from '../../kernel/ids.js';
import { setSkuBarcode, skusByItemCode } from '../catalog/item-codes.js';
import { fulfillment } from '../fulfillment/index.js';
import { inventory } from '../inventory/index.js';
import { partnerByAppKey, partnerLocationIds, type PartnerRow } from './partners.js';
import {
  BodyError,
  CALL_LIMITED_SUB_CODE,
  type Doc,
  type Envelope,
  failure,
  type Format,
  list,
  obj,
  parseBody,
  parseTimestamp,
  QIMEN_CODES,
  serialize,
  shortMethod,
  sign,
  signatureMatches,
  SIGN_METHODS,
  type SignMethod,
  success,
  text,
  TIMESTAMP_WINDOW_MS,
} from './protocol.js';
import { qimenMessages } from './schema.js';

defineMessages({
  'qimen.ok': { 'zh-CN': '成功', 'en-US': 'OK' },
  'qimen.duplicate': {
    'zh-CN': '成功（outBizCode {outBizCode} 已处理过，本次未重复执行）',
    'en-US': 'OK (outBizCode {outBizCode} was already applied; nothing changed this time)',
  },
  'qimen.sign_missing': { 'zh-CN': '缺少签名参数 sign', 'en-US': 'The sign parameter is missing' },
  'qimen.sign_invalid': { 'zh-CN': '签名无效', 'en-US': 'Invalid signature' },
  'qimen.app_key_invalid': {
    'zh-CN': '签名无效：app_key 未知或已停用',
    'en-US': 'Invalid signature: unknown or disabled app_key',
  },
  'qimen.sign_method_mismatch': {
    'zh-CN': '签名无效：该伙伴须使用 {expected} 签名',
    'en-US': 'Invalid signature: this partner must sign with {expected}',
  },
  'qimen.timestamp_stale': {
    'zh-CN': '签名无效：timestamp 与服务器时间相差超过 5 分钟',
    'en-US': 'Invalid signature: the timestamp is more than 5 minutes from server time',
  },
  'qimen.field_missing': { 'zh-CN': '缺少参数：{field}', 'en-US': 'Missing argument: {field}' },
  'qimen.field_invalid': { 'zh-CN': '参数无效：{field}（{reason}）', 'en-US': 'Invalid argument: {field} ({reason})' },
  'qimen.body_invalid': { 'zh-CN': '请求体无效：{reason}', 'en-US': 'Invalid body: {reason}' },
  'qimen.method_unsupported': {
    'zh-CN': '不支持的接口：{method}',
    'en-US': 'Method not supported: {method}',
  },
  'qimen.refused': { 'zh-CN': '单据被拒绝：{reason}', 'en-US': 'Document refused: {reason}' },
  'qimen.call_limited': {
    'zh-CN': '调用频率超限：该 AppKey 每分钟最多调用 {limit} 次，请 {seconds} 秒后重试',
    'en-US': 'App Call Limited: this app key may make {limit} calls a minute; retry in {seconds} s',
  },
  'qimen.call_limited.sub': {
    'zh-CN': '限制将在 {seconds} 秒后解除',
    'en-US': 'This ban will last for {seconds} more seconds',
  },
  'qimen.internal': { 'zh-CN': '服务暂不可用，请稍后重试', 'en-US': 'Service unavailable; retry later' },
  'qimen.reason.unknown_warehouse': {
    'zh-CN': '仓库编码不存在或不由该伙伴管理',
    'en-US': 'no such warehouse run by this partner',
  },
  'qimen.reason.unknown_item': { 'zh-CN': '没有该编码的商品', 'en-US': 'no SKU has this code' },
  'qimen.reason.ambiguous_item': {
    'zh-CN': '多个商品使用该条码',
    'en-US': 'several SKUs share this barcode',
  },
  'qimen.reason.not_integer': { 'zh-CN': '须为整数', 'en-US': 'must be an integer' },
  'qimen.reason.not_positive': { 'zh-CN': '须为非负整数', 'en-US': 'must be a whole number, 0 or more' },
  'qimen.reason.tracking_no': {
    'zh-CN': '运单号为 6 到 32 位字母、数字或短横线',
    'en-US': '6 to 32 letters, digits or dashes',
  },
  'qimen.reason.barcode': {
    'zh-CN': '条码为 4 到 32 位字母、数字或短横线',
    'en-US': '4 to 32 letters, digits or dashes',
  },
  'qimen.reason.format': { 'zh-CN': '须为 xml 或 json', 'en-US': 'must be xml or json' },
  'qimen.reason.sign_method': {
    'zh-CN': '须为 md5、hmac 或 hmac-sha256',
    'en-US': 'must be md5, hmac or hmac-sha256',
  },
  'qimen.reason.timestamp': { 'zh-CN': '格式须为 yyyy-MM-dd HH:mm:ss', 'en-US': 'must be yyyy-MM-dd HH:mm:ss' },
  'qimen.reason.customer_id': {
    'zh-CN': '与该伙伴的 customerId 不符',
    'en-US': 'does not match this partner’s customerId',
  },
  'qimen.reason.action_type': { 'zh-CN': '须为 add 或 update', 'en-US': 'must be add or update' },
  'qimen.reason.unknown_shipment': {
    'zh-CN': '发货单不存在或不属于该伙伴的仓库',
    'en-US': 'no such delivery order at a warehouse this partner runs',
  },
  'qimen.reason.superseded': {
    'zh-CN': '发货单 {code} 已因改派取消，该包裹已改由其他发货单发货',
    'en-US': 'delivery order {code} was cancelled when the parcel was re-routed; it ships under another delivery order',
  },
  'qimen.reason.too_many': { 'zh-CN': '最多 {max} 条', 'en-US': 'at most {max} entries' },
});

/** A failure the gateway answers in the envelope: a Qimen code and a message code with params. */
export class QimenFailure extends Error {
  constructor(
    readonly qimenCode: string,
    readonly messageCode: string,
    readonly params: Record<string, unknown> = {},
  ) {
    super(messageCode);
  }
}

const missing = (field: string) => new QimenFailure(QIMEN_CODES.badArguments, 'qimen.field_missing', { field });
const invalid = (field: string, reason: string, params: Record<string, unknown> = {}) =>
  new QimenFailure(QIMEN_CODES.badArguments, 'qimen.field_invalid', { field, reason, ...params });

function required(doc: Doc, key: string, path: string): string {
  const v = text(doc[key]);
  if (!v) throw missing(path);
  return v;
}

function integer(doc: Doc, key: string, path: string, opts: { min?: number } = {}): number {
  const raw = text(doc[key]);
  if (!raw) throw missing(path);
  if (!/^[+-]?\d{1,9}$/.test(raw)) throw invalid(path, 'qimen.reason.not_integer');
  const n = Number(raw);
  if (opts.min !== undefined && n < opts.min) throw invalid(path, 'qimen.reason.not_positive');
  return n;
}

/** What a handler sees. */
export interface InboundContext {
  db: Db;
  shopId: string;
  partner: PartnerRow;
  doc: Doc;
  method: string;
}

interface Handler {
  /** Writes are applied once per outBizCode (when they carry one) and logged; reads are answered. */
  kind: 'write' | 'read';
  /** The idempotency key, or null when the method has none (it must then be naturally idempotent). */
  outBizCode?(doc: Doc): string | null;
  /** What the message is about (the delivery order code…), for the log. */
  ref?(doc: Doc): string | null;
  run(tx: Tx, ctx: InboundContext): Promise<Doc>;
}

// ---------------------------------------------------------------- lookups

/** Locations by code; only those the partner runs when `runBy` is given. */
async function warehouses(tx: Tx, ctx: InboundContext, opts: { runByPartner: boolean }) {
  const all = await inventory.listLocations(tx, ctx.shopId);
  const allowed = opts.runByPartner ? new Set(await partnerLocationIds(tx, ctx.shopId, ctx.partner.id)) : null;
  const byCode = new Map(all.filter((l) => !allowed || allowed.has(l.id)).map((l) => [l.code, l]));
  return (code: string, path: string) => {
    const loc = byCode.get(code);
    if (!loc) throw invalid(path, 'qimen.reason.unknown_warehouse');
    return loc;
  };
}

/** Resolves item codes (SKU barcode or id) to SKU ids, naming the field of the first unknown one. */
async function resolveItems(tx: Tx, shopId: string, codes: { code: string; path: string }[]) {
  const found = await skusByItemCode(
    tx,
    shopId,
    codes.map((c) => c.code),
  );
  const result = new Map<string, string>();
  for (const { code, path } of codes) {
    const skus = found.get(code);
    if (!skus) throw invalid(path, 'qimen.reason.unknown_item');
    if (skus.length > 1) throw invalid(path, 'qimen.reason.ambiguous_item');
    result.set(code, skus[0]!.skuId);
  }
  return result;
}

const MAX_LINES = 500;
function lines(wrapper: unknown, item: string, path: string): Doc[] {
  const all = list(wrapper, item);
  if (all.length > MAX_LINES) throw invalid(path, 'qimen.reason.too_many', { max: MAX_LINES });
  return all;
}

/** Applies `(location, sku) → delta` changes with one ledger reference, each idempotent by it. */
async function applyDeltas(
  tx: Tx,
  shopId: string,
  changes: { locationId: string; skuId: string; delta: number; ref: string }[],
  reason: string,
) {
  const merged = new Map<string, { locationId: string; skuId: string; delta: number; ref: string }>();
  for (const c of changes) {
    const key = `${c.ref}|${c.locationId}|${c.skuId}`;
    const prior = merged.get(key);
    merged.set(key, { ...c, delta: (prior?.delta ?? 0) + c.delta });
  }
  // One lock order for every writer: location, then SKU.
  const sorted = [...merged.values()].sort((a, b) =>
    a.locationId === b.locationId ? a.skuId.localeCompare(b.skuId) : a.locationId.localeCompare(b.locationId),
  );
  for (const c of sorted) {
    if (c.delta === 0) continue;
    await inventory.adjust(tx, shopId, {
      locationId: c.locationId,
      skuId: c.skuId,
      delta: c.delta,
      reason,
      ref: { type: 'qimen', id: c.ref },
    });
  }
}

const isGood = (line: Doc) => {
  const t = text(line.inventoryType);
  return t === '' || t === 'ZP';
};

/** entryorder.confirm / returnorder.confirm: goods received at a warehouse (good stock only). */
function receiptHandler(head: 'entryOrder' | 'returnOrder', reason: string): Handler {
  return {
    kind: 'write',
    outBizCode: (doc) => required(obj(doc[head]), 'outBizCode', `${head}.outBizCode`),
    ref: (doc) => text(obj(doc[head])[head === 'entryOrder' ? 'entryOrderCode' : 'returnOrderCode']) || null,
    async run(tx, ctx) {
      const order = obj(ctx.doc[head]);
      const outBizCode = required(order, 'outBizCode', `${head}.outBizCode`);
      const warehouseCode = required(order, 'warehouseCode', `${head}.warehouseCode`);
      const warehouse = (await warehouses(tx, ctx, { runByPartner: true }))(warehouseCode, `${head}.warehouseCode`);
      const orderLines = lines(ctx.doc.orderLines, 'orderLine', 'orderLines');
      if (!orderLines.length) throw missing('orderLines.orderLine');
      const parsed = orderLines.map((l, i) => ({
        code: required(l, 'itemCode', `orderLines.orderLine[${i}].itemCode`),
        qty: integer(l, 'actualQty', `orderLines.orderLine[${i}].actualQty`, { min: 0 }),
        good: isGood(l),
        path: `orderLines.orderLine[${i}].itemCode`,
      }));
      const skus = await resolveItems(tx, ctx.shopId, parsed);
      await applyDeltas(
        tx,
        ctx.shopId,
        parsed
          .filter((l) => l.good)
          .map((l) => ({
            locationId: warehouse.id,
            skuId: skus.get(l.code)!,
            delta: l.qty,
            ref: `${ctx.partner.id}:${outBizCode}`,
          })),
        reason,
      );
      return {};
    },
  };
}

/** Whether a `deliveryorder.create` for `code` went out to the calling partner. */
async function wasSentTo(tx: Tx, ctx: InboundContext, code: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: qimenMessages.id })
    .from(qimenMessages)
    .where(
      and(
        eq(qimenMessages.shopId, ctx.shopId),
        eq(qimenMessages.partnerId, ctx.partner.id),
        eq(qimenMessages.direction, 'out'),
        eq(qimenMessages.method, 'deliveryorder.create'),
        eq(qimenMessages.ref, code),
      ),
    )
    .limit(1);
  return !!row;
}

const CARRIERS: Record<string, string> = {
  SF: '顺丰速运',
  YTO: '圆通速递',
  ZTO: '中通快递',
  STO: '申通快递',
  YUNDA: '韵达快递',
  JD: '京东物流',
  EMS: 'EMS',
  DBKD: '德邦快递',
  JTSD: '极兔速递',
  OTHER: '其他快递',
};
/** A carrier's name for a Qimen `logisticsCode`. */
export const carrierName = (code: string) => CARRIERS[code.toUpperCase()] ?? code;

export const HANDLERS: Record<string, Handler> = {
  'deliveryorder.confirm': {
    kind: 'write',
    outBizCode: (doc) => required(obj(doc.deliveryOrder), 'outBizCode', 'deliveryOrder.outBizCode'),
    ref: (doc) => text(obj(doc.deliveryOrder).deliveryOrderCode) || null,
    async run(tx, ctx) {
      const order = obj(ctx.doc.deliveryOrder);
      const code = required(order, 'deliveryOrderCode', 'deliveryOrder.deliveryOrderCode');
      const outBizCode = required(order, 'outBizCode', 'deliveryOrder.outBizCode');
      const confirmType = text(order.confirmType) || '0';
      const runs = new Set(await partnerLocationIds(tx, ctx.shopId, ctx.partner.id));
      // The code is the one deliveryorder.create gave: the parcel's hold reference at this warehouse.
      const found = await fulfillment.findByHoldRef(tx, ctx.shopId, code);
      // A delivery order this partner was given, that the parcel was re-routed away from (the
      // WMS was told to cancel it): refused, whatever the parcel's state now.
      if (found && !found.current && (await wasSentTo(tx, ctx, code))) {
        throw new QimenFailure(QIMEN_CODES.refused, 'qimen.refused', { reason: 'qimen.reason.superseded', code });
      }
      const shipment = found?.current ? found.shipment : null;
      if (!shipment || !runs.has(shipment.locationId)) {
        throw invalid('deliveryOrder.deliveryOrderCode', 'qimen.reason.unknown_shipment');
      }
      const warehouseCode = text(order.warehouseCode);
      if (warehouseCode) {
        const loc = (await warehouses(tx, ctx, { runByPartner: true }))(warehouseCode, 'deliveryOrder.warehouseCode');
        if (loc.id !== shipment.locationId)
          throw invalid('deliveryOrder.warehouseCode', 'qimen.reason.unknown_warehouse');
      }
      // A partial confirm (confirmType 1) is recorded; the parcel ships on the final one.
      if (confirmType === '1') return { deliveryOrderId: shipment.id };
      const packages = lines(ctx.doc.packages, 'package', 'packages');
      const parcel = packages.find((p) => text(p.expressCode));
      if (!parcel) throw missing('packages.package.expressCode');
      const trackingNo = text(parcel.expressCode);
      if (!/^[0-9A-Za-z-]{6,32}$/.test(trackingNo)) {
        throw invalid('packages.package.expressCode', 'qimen.reason.tracking_no');
      }
      const logisticsCode = text(parcel.logisticsCode) || text(order.logisticsCode) || 'OTHER';
      await fulfillment.confirmShipped(
        tx,
        ctx.shopId,
        shipment.id,
        { carrier: carrierName(logisticsCode), trackingNo },
        { type: 'qimen', id: `${ctx.partner.id}:${outBizCode}` },
      );
      return { deliveryOrderId: shipment.id };
    },
  },
  'entryorder.confirm': receiptHandler('entryOrder', 'qimen.entry'),
  'returnorder.confirm': receiptHandler('returnOrder', 'qimen.return'),
  'stockchange.report': {
    kind: 'write',
    outBizCode: (doc) => {
      const own = text(doc.outBizCode);
      if (own) return own;
      const items = list(doc.items, 'item');
      if (!items.length) throw missing('items.item');
      const codes = items.map((it, i) => required(it, 'outBizCode', `items.item[${i}].outBizCode`));
      return [...new Set(codes)].sort().join(',');
    },
    ref: (doc) => text(list(doc.items, 'item')[0]?.orderCode) || null,
    async run(tx, ctx) {
      const items = lines(ctx.doc.items, 'item', 'items');
      if (!items.length) throw missing('items.item');
      const at = await warehouses(tx, ctx, { runByPartner: true });
      const parsed = items.map((it, i) => ({
        code: required(it, 'itemCode', `items.item[${i}].itemCode`),
        path: `items.item[${i}].itemCode`,
        location: at(required(it, 'warehouseCode', `items.item[${i}].warehouseCode`), `items.item[${i}].warehouseCode`),
        qty: integer(it, 'quantity', `items.item[${i}].quantity`),
        ref: text(it.outBizCode) || text(ctx.doc.outBizCode),
        good: isGood(it),
      }));
      const skus = await resolveItems(tx, ctx.shopId, parsed);
      await applyDeltas(
        tx,
        ctx.shopId,
        parsed
          .filter((p) => p.good)
          .map((p) => ({
            locationId: p.location.id,
            skuId: skus.get(p.code)!,
            delta: p.qty,
            ref: `${ctx.partner.id}:${p.ref}`,
          })),
        'qimen.stockchange',
      );
      return {};
    },
  },
  'inventory.report': {
    kind: 'write',
    outBizCode: (doc) => required(doc, 'outBizCode', 'outBizCode'),
    async run(tx, ctx) {
      const outBizCode = required(ctx.doc, 'outBizCode', 'outBizCode');
      const items = lines(ctx.doc.items, 'item', 'items');
      if (!items.length) throw missing('items.item');
      const at = await warehouses(tx, ctx, { runByPartner: true });
      const defaultWarehouse = text(ctx.doc.warehouseCode);
      const parsed = items.map((it, i) => {
        const code = text(it.warehouseCode) || defaultWarehouse;
        if (!code) throw missing(`items.item[${i}].warehouseCode`);
        return {
          code: required(it, 'itemCode', `items.item[${i}].itemCode`),
          path: `items.item[${i}].itemCode`,
          location: at(code, `items.item[${i}].warehouseCode`),
          qty: integer(it, 'quantity', `items.item[${i}].quantity`, { min: 0 }),
          good: isGood(it),
        };
      });
      const skus = await resolveItems(tx, ctx.shopId, parsed);
      const counts = parsed
        .filter((p) => p.good)
        .map((p) => ({ locationId: p.location.id, skuId: skus.get(p.code)!, qty: p.qty }))
        .sort((a, b) =>
          a.locationId === b.locationId ? a.skuId.localeCompare(b.skuId) : a.locationId.localeCompare(b.locationId),
        );
      for (const c of counts) {
        await inventory.setStock(
          tx,
          ctx.shopId,
          c.skuId,
          c.qty,
          { type: 'qimen', id: `${ctx.partner.id}:${outBizCode}` },
          {
            locationId: c.locationId,
            reason: 'qimen.inventory',
          },
        );
      }
      return {};
    },
  },
  'inventory.query': {
    kind: 'read',
    async run(tx, ctx) {
      const criteria = lines(ctx.doc.criteriaList, 'criteria', 'criteriaList');
      if (!criteria.length) throw missing('criteriaList.criteria');
      const all = await inventory.listLocations(tx, ctx.shopId);
      const byCode = new Map(all.map((l) => [l.code, l]));
      const parsed = criteria.map((c, i) => {
        const code = text(c.warehouseCode);
        const loc = code ? byCode.get(code) : undefined;
        if (code && !loc) throw invalid(`criteriaList.criteria[${i}].warehouseCode`, 'qimen.reason.unknown_warehouse');
        return {
          code: required(c, 'itemCode', `criteriaList.criteria[${i}].itemCode`),
          path: `criteriaList.criteria[${i}].itemCode`,
          locations: loc ? [loc] : all,
          inventoryType: text(c.inventoryType) || 'ZP',
        };
      });
      const found = await skusByItemCode(
        tx,
        ctx.shopId,
        parsed.map((p) => p.code),
      );
      const skuOf = (p: (typeof parsed)[number]) => {
        const skus = found.get(p.code);
        if (!skus) throw invalid(p.path, 'qimen.reason.unknown_item');
        if (skus.length > 1) throw invalid(p.path, 'qimen.reason.ambiguous_item');
        return skus[0]!;
      };
      const resolved = parsed.map((p) => ({ ...p, sku: skuOf(p) }));
      const stock = await inventory.availabilityAt(tx, ctx.shopId, [...new Set(resolved.map((p) => p.sku.skuId))]);
      const level = new Map(stock.map((s) => [`${s.skuId}|${s.locationId}`, s]));
      const items: Doc[] = [];
      for (const p of resolved) {
        for (const loc of p.locations) {
          const at = level.get(`${p.sku.skuId}|${loc.id}`);
          // Only good stock (ZP) is kept by Qiandian; other types are answered as zero.
          const good = p.inventoryType === 'ZP';
          items.push({
            warehouseCode: loc.code,
            itemCode: p.sku.itemCode,
            itemId: p.sku.skuId,
            inventoryType: p.inventoryType,
            quantity: good ? (at?.onHand ?? 0) : 0,
            lockQuantity: good ? (at?.reserved ?? 0) : 0,
          });
        }
      }
      return { items: { item: items } };
    },
  },
  'singleitem.synchronize': {
    kind: 'write',
    outBizCode: () => null,
    ref: (doc) => text(obj(doc.item).itemCode) || null,
    async run(tx, ctx) {
      const action = required(ctx.doc, 'actionType', 'actionType');
      if (action !== 'add' && action !== 'update') throw invalid('actionType', 'qimen.reason.action_type');
      const item = obj(ctx.doc.item);
      const itemCode = required(item, 'itemCode', 'item.itemCode');
      const itemId = text(item.itemId);
      const skus = await resolveItems(tx, ctx.shopId, [
        { code: itemId || itemCode, path: itemId ? 'item.itemId' : 'item.itemCode' },
      ]);
      const skuId = skus.get(itemId || itemCode)!;
      const barCode = text(item.barCode);
      if (barCode) {
        if (!/^[0-9A-Za-z-]{4,32}$/.test(barCode)) throw invalid('item.barCode', 'qimen.reason.barcode');
        await setSkuBarcode(tx, ctx.shopId, skuId, barCode);
      }
      return { itemId: skuId };
    },
  },
};

export const INBOUND_METHODS = Object.keys(HANDLERS);

// ---------------------------------------------------------------- the router

export interface InboundRequest {
  /** URL query parameters, decoded. */
  query: Record<string, string>;
  /** The body exactly as received. */
  body: Buffer;
  locale: Locale;
  now?: number;
}

/** How the router keeps a flooding partner from loading the database (the route supplies it). */
export interface InboundLimits {
  /**
   * Counts a call whose signature, timestamp and customerId were verified against the partner's
   * `callsPerMinute`: null to go on, or how long until the partner may call again.
   */
  admit(partner: PartnerRow): Promise<{ retryAfterSeconds: number } | null>;
  /** Whether to log a failed authentication of a known partner (bounded, so junk cannot fill the log). */
  logAuthFailure?(partner: PartnerRow): Promise<boolean>;
}

export interface InboundAnswer {
  format: Format;
  envelope: Envelope;
  /** The serialised response, in the request's format. */
  body: string;
}

/** Authenticates a request: the partner it comes from, or a failure (25 or 41). */
export function authenticate(partner: PartnerRow | null, req: InboundRequest): void {
  const q = req.query;
  if (!q.sign) throw new QimenFailure(QIMEN_CODES.badSignature, 'qimen.sign_missing');
  if (!q.app_key || !partner || !partner.active)
    throw new QimenFailure(QIMEN_CODES.badSignature, 'qimen.app_key_invalid');
  const method = (q.sign_method || 'md5') as SignMethod;
  if (!SIGN_METHODS.includes(method)) throw invalid('sign_method', 'qimen.reason.sign_method');
  if (method !== partner.signMethod) {
    throw new QimenFailure(QIMEN_CODES.badSignature, 'qimen.sign_method_mismatch', { expected: partner.signMethod });
  }
  const expected = sign(q, req.body, partner.secret, { method, secretAtEndOnly: partner.secretAtEndOnly });
  if (!signatureMatches(q.sign, expected)) throw new QimenFailure(QIMEN_CODES.badSignature, 'qimen.sign_invalid');
  if (!q.timestamp) throw missing('timestamp');
  const at = parseTimestamp(q.timestamp);
  if (at === null) throw invalid('timestamp', 'qimen.reason.timestamp');
  if (Math.abs((req.now ?? Date.now()) - at) > TIMESTAMP_WINDOW_MS) {
    throw new QimenFailure(QIMEN_CODES.badSignature, 'qimen.timestamp_stale');
  }
  if (q.customerId && q.customerId !== partner.customerId) throw invalid('customerId', 'qimen.reason.customer_id');
}

function envelopeOf(e: QimenFailure, locale: Locale): Envelope {
  const params = { ...e.params };
  if (typeof params.reason === 'string') params.reason = translate(params.reason, locale, params);
  return failure(e.qimenCode, translate(e.messageCode, locale, params));
}

/** Maps what a service threw to a Qimen failure; unexpected errors become code 10. */
function asFailure(e: unknown): { failure: QimenFailure; unexpected: boolean } {
  if (e instanceof QimenFailure) return { failure: e, unexpected: false };
  if (e instanceof BodyError) {
    return {
      failure: new QimenFailure(QIMEN_CODES.badArguments, 'qimen.body_invalid', { reason: e.message }),
      unexpected: false,
    };
  }
  if (e instanceof AppError && e.status < 500) {
    const code = e.status === 409 ? QIMEN_CODES.refused : QIMEN_CODES.badArguments;
    return { failure: new QimenFailure(code, 'qimen.refused', { reason: e.code, ...e.params }), unexpected: false };
  }
  return { failure: new QimenFailure(QIMEN_CODES.unavailable, 'qimen.internal'), unexpected: true };
}

/**
 * Handles one `POST /router/qimen/service`: authenticates, parses, applies (once per outBizCode)
 * and logs. Never throws: every outcome is an envelope in the request's format.
 */
export async function handleInbound(
  db: Db,
  req: InboundRequest,
  log: { error(obj: unknown, msg: string): void } = console,
  limits?: InboundLimits,
): Promise<InboundAnswer> {
  const format: Format = req.query.format === 'json' ? 'json' : 'xml';
  const answer = (envelope: Envelope): InboundAnswer => ({
    format,
    envelope,
    body: serialize(envelope, format, 'response'),
  });
  const method = shortMethod(req.query.method ?? '');
  let partner: PartnerRow | null = null;
  const bodyText = req.body.toString('utf8');
  let quiet = false;
  const logFailure = async (f: QimenFailure, env: Envelope, outBizCode: string | null) => {
    if (!partner || quiet) return;
    const body = serialize(env, format, 'response');
    await withShop(db, partner.shopId, (tx) =>
      tx.insert(qimenMessages).values({
        shopId: partner!.shopId,
        id: newId('qmm'),
        partnerId: partner!.id,
        direction: 'in',
        method: method || '(none)',
        outBizCode,
        status: 'failed',
        format,
        query: req.query,
        requestBody: bodyText,
        responseBody: body,
        responseCode: f.qimenCode,
        responseMessage: env.message,
      }),
    ).catch((err: unknown) => log.error({ err }, 'qimen: could not log a failed message'));
  };

  let outBizCode: string | null = null;
  try {
    if (req.query.format && req.query.format !== 'xml' && req.query.format !== 'json') {
      throw invalid('format', 'qimen.reason.format');
    }
    partner = req.query.app_key ? await partnerByAppKey(db, req.query.app_key) : null;
    try {
      authenticate(partner, req);
    } catch (e) {
      // Past the bound: answered, not logged.
      if (partner && limits?.logAuthFailure) quiet = !(await limits.logAuthFailure(partner));
      throw e;
    }
    // Counted only once the call is proven to be the partner's: unsigned junk cannot spend its budget.
    const limited = limits ? await limits.admit(partner!) : null;
    if (limited) {
      const params = { limit: partner!.callsPerMinute, seconds: limited.retryAfterSeconds };
      return answer({
        ...failure(QIMEN_CODES.callLimited, translate('qimen.call_limited', req.locale, params)),
        sub_code: CALL_LIMITED_SUB_CODE,
        sub_msg: translate('qimen.call_limited.sub', req.locale, params),
      });
    }
    if (!method) throw missing('method');
    const handler = HANDLERS[method];
    if (!handler) throw new QimenFailure(QIMEN_CODES.unsupportedMethod, 'qimen.method_unsupported', { method });
    const doc = parseBody(bodyText, format, 'request');
    outBizCode = handler.outBizCode?.(doc) ?? null;
    const ref = handler.ref?.(doc) ?? null;
    const ctx: InboundContext = { db, shopId: partner!.shopId, partner: partner!, doc, method };
    const p = partner!;
    return await withShop(db, p.shopId, async (tx) => {
      const id = newId('qmm');
      const base = {
        shopId: p.shopId,
        partnerId: p.id,
        direction: 'in' as const,
        method,
        outBizCode,
        ref,
        format,
        query: req.query,
        requestBody: bodyText,
      };
      if (handler.kind === 'write' && outBizCode) {
        // Claims the outBizCode: a concurrent duplicate waits here for this transaction, then
        // finds the key taken and answers as the first did, changing nothing.
        const claimed = await tx
          .insert(qimenMessages)
          .values({ ...base, id, status: 'succeeded' })
          .onConflictDoNothing()
          .returning({ id: qimenMessages.id });
        if (!claimed.length) {
          const [prior] = await tx
            .select({ responseBody: qimenMessages.responseBody, format: qimenMessages.format })
            .from(qimenMessages)
            .where(
              and(
                eq(qimenMessages.shopId, p.shopId),
                eq(qimenMessages.partnerId, p.id),
                eq(qimenMessages.method, method),
                eq(qimenMessages.outBizCode, outBizCode),
                eq(qimenMessages.status, 'succeeded'),
              ),
            );
          const fields = prior?.responseBody ? priorFields(prior.responseBody, prior.format) : {};
          const envelope = success(fields, translate('qimen.duplicate', req.locale, { outBizCode }));
          const out = answer(envelope);
          await tx.insert(qimenMessages).values({
            ...base,
            outBizCode: null,
            id: newId('qmm'),
            status: 'duplicate',
            responseBody: out.body,
            responseCode: '0',
            responseMessage: envelope.message,
          });
          return out;
        }
        const envelope = success(await handler.run(tx, ctx), translate('qimen.ok', req.locale));
        const out = answer(envelope);
        await tx
          .update(qimenMessages)
          .set({ responseBody: out.body, responseCode: '0', responseMessage: envelope.message })
          .where(and(eq(qimenMessages.shopId, p.shopId), eq(qimenMessages.id, id)));
        return out;
      }
      const envelope = success(await handler.run(tx, ctx), translate('qimen.ok', req.locale));
      const out = answer(envelope);
      await tx.insert(qimenMessages).values({
        ...base,
        id,
        status: 'succeeded',
        // Reads are logged without their (possibly long) answer.
        responseBody: handler.kind === 'read' ? null : out.body,
        responseCode: '0',
        responseMessage: envelope.message,
      });
      return out;
    });
  } catch (e) {
    const { failure: f, unexpected } = asFailure(e);
    if (unexpected) log.error({ err: e, method }, 'qimen: unexpected error');
    const envelope = envelopeOf(f, req.locale);
    await logFailure(f, envelope, outBizCode);
    return answer(envelope);
  }
}

/** Method-specific fields of an earlier success (a duplicate answers them again). */
function priorFields(body: string, format: Format): Doc {
  try {
    const doc = parseBody(body, format, 'response');
    const { flag: _f, code: _c, message: _m, ...rest } = doc;
    return rest;
  } catch {
    return {};
  }
}
