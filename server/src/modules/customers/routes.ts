import { Readable } from 'node:stream';
import { z } from 'zod';
import type { App } from '../../kernel/http/server.js';
import { translate } from '../../kernel/http/i18n.js';
import { newId } from '../../kernel/ids.js';
import type { ModuleContext } from '../../kernel/module.js';
import { shopAccess } from '../shops/index.js';
import { beaconBody, beaconResult, DEVICE_COOKIE, ingest, isVisitorCookie } from './beacon.js';
import { attributesInput, customerListQuery, getCustomer, listCustomers, updateCustomer } from './directory.js';
import { insightQuery, portrait } from './insight.js';
import { lookalike, lookalikeInput } from './lookalike.js';
import { rfmClusters, rfmInput, saveCluster, saveClusterInput } from './rfm.js';
import { ruleSchema } from './rules.js';
import * as segments from './segments.js';
import * as tags from './tags.js';

const shopParams = z.object({ shopId: z.string().min(1).max(64) });
const customerParams = shopParams.extend({ customerNo: z.coerce.number().int().min(1).max(2_000_000_000) });
const tagParams = shopParams.extend({ tagId: z.string().min(1).max(64) });
const segmentParams = shopParams.extend({ segmentId: z.string().min(1).max(64) });

const customerView = z.object({
  customerNo: z.number().int(),
  accountId: z.string().nullable(),
  displayName: z.string().nullable(),
  gender: z.string().nullable(),
  ageBand: z.string().nullable(),
  region: z.string().nullable(),
  tier: z.string().nullable(),
  following: z.boolean(),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
  visitDays: z.number().int(),
  firstOrderAt: z.string().nullable(),
  lastOrderAt: z.string().nullable(),
  orderCount: z.number().int(),
  spend: z.number().int().describe('paid minus refunded, fen'),
  refunded: z.number().int(),
  averageOrderValue: z.number().int(),
  favourites: z.number().int(),
  addToCarts: z.number().int(),
  topCategory: z.string().nullable(),
});
const customerDetail = customerView.extend({
  tags: z.array(z.object({ tagId: z.string(), value: z.string() })),
  segmentIds: z.array(z.string()),
  events: z.array(
    z.object({
      id: z.string(),
      type: z.string(),
      at: z.string(),
      source: z.string(),
      props: z.record(z.string(), z.unknown()),
    }),
  ),
});
const tagView = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['system', 'rule', 'manual', 'import']),
  rule: ruleSchema.nullable(),
  values: z.array(z.object({ value: z.string(), label: z.string(), members: z.number().int() })),
});
const segmentView = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['rule', 'lookalike', 'rfm_cluster']),
  rule: ruleSchema.nullable(),
  definition: z.record(z.string(), z.unknown()),
  model: z.record(z.string(), z.unknown()).nullable(),
  members: z.number().int(),
  computedAt: z.string(),
  createdAt: z.string(),
});
const snapshotView = z.object({
  id: z.string(),
  segmentId: z.string(),
  members: z.number().int(),
  createdAt: z.string(),
});
const importResult = z.object({
  tagId: z.string(),
  imported: z.number().int(),
  members: z.number().int(),
  errors: z.array(z.object({ line: z.number().int(), value: z.string(), code: z.string(), message: z.string() })),
});
const distribution = z.object({
  dimension: z.string(),
  name: z.string(),
  values: z.array(
    z.object({
      value: z.string(),
      label: z.string(),
      members: z.number().int(),
      share: z.number(),
      baseShare: z.number(),
      tgi: z.number().nullable().describe('100 × share in the segment ÷ share among all customers'),
    }),
  ),
});

export async function customersRoutes(app: App, { db, config }: ModuleContext) {
  // ---- storefront beacon (public)
  app.post(
    '/api/beacon',
    {
      config: {
        csrf: false,
        rateLimit: { max: Math.max(120, config.RATE_LIMIT_PER_MINUTE ?? 600), timeWindow: 60_000 },
      },
      schema: {
        tags: ['customers'],
        summary: 'Storefront behaviour events, batched',
        description:
          'Up to 100 events per call, each validated on its own: malformed ones come back in `rejected` with reasons while the rest are kept; an event id already received is counted in `duplicates`. The shopper is the signed-in account and/or the anonymous device (`qd_vid` cookie, set here if missing, else `deviceId`); a device seen before sign-in merges into the account. No CSRF token: it writes only behaviour of the caller.',
        body: beaconBody,
        response: { 200: beaconResult },
      },
    },
    async (request, reply) => {
      let deviceId = request.cookies[DEVICE_COOKIE];
      if (!isVisitorCookie(deviceId)) {
        deviceId = request.body.deviceId;
        if (!deviceId) {
          deviceId = newId('vis');
          reply.setCookie(DEVICE_COOKIE, deviceId, {
            path: '/',
            httpOnly: true,
            sameSite: 'lax',
            secure: config.COOKIE_SECURE,
            maxAge: 365 * 86_400,
          });
        }
      }
      return ingest(
        db,
        { accountId: request.principal?.accountId ?? null, deviceId },
        request.body.events,
        request.locale,
        request.log,
      );
    },
  );

  // ---- customers
  app.get(
    '/api/shops/:shopId/customers',
    {
      config: { permission: 'customers.read' },
      schema: {
        tags: ['customers'],
        summary: "The shop's customers, most recently seen first",
        params: shopParams,
        querystring: customerListQuery,
        response: { 200: z.object({ items: z.array(customerView), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => listCustomers(db, shopAccess(request).shopId, request.query),
  );
  app.get(
    '/api/shops/:shopId/customers/:customerNo',
    {
      config: { permission: 'customers.read' },
      schema: {
        tags: ['customers'],
        summary: 'A customer: attributes, tags, segments, latest events',
        params: customerParams,
        response: { 200: customerDetail },
      },
    },
    async (request) => getCustomer(db, shopAccess(request).shopId, request.params.customerNo),
  );
  app.patch(
    '/api/shops/:shopId/customers/:customerNo',
    {
      config: { permission: 'customers.write' },
      schema: {
        tags: ['customers'],
        summary: "Set a customer's gender, age band, region or tier (null clears)",
        params: customerParams,
        body: attributesInput,
        response: { 200: customerDetail },
      },
    },
    async (request) => updateCustomer(db, shopAccess(request).shopId, request.params.customerNo, request.body),
  );

  // ---- tags
  app.get(
    '/api/shops/:shopId/customer-tags',
    {
      config: { permission: 'customers.read' },
      schema: {
        tags: ['customers'],
        summary: 'System, rule, manual and imported tags with their values and member counts',
        params: shopParams,
        response: { 200: z.object({ items: z.array(tagView) }) },
      },
    },
    async (request) => ({ items: await tags.listTags(db, shopAccess(request).shopId, request.locale) }),
  );
  app.post(
    '/api/shops/:shopId/customer-tags',
    {
      config: { permission: 'customers.write' },
      schema: {
        tags: ['customers'],
        summary: 'Create a rule tag (kept fresh) or a manual tag',
        params: shopParams,
        body: tags.tagInput,
        response: {
          201: z.object({ id: z.string(), name: z.string(), kind: z.string(), members: z.number().int() }),
        },
      },
    },
    async (request, reply) => {
      const access = shopAccess(request);
      reply.code(201);
      return tags.createTag(db, access.shopId, access.accountId, request.body);
    },
  );
  app.delete(
    '/api/shops/:shopId/customer-tags/:tagId',
    {
      config: { permission: 'customers.write' },
      schema: {
        tags: ['customers'],
        summary: 'Delete a tag (refused while a segment or rule tag uses it)',
        params: tagParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await tags.deleteTag(db, shopAccess(request).shopId, request.params.tagId);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/shops/:shopId/customer-tags/:tagId/members',
    {
      config: { permission: 'customers.write' },
      schema: {
        tags: ['customers'],
        summary: 'Add or remove customers of a manual tag',
        params: tagParams,
        body: tags.membersInput,
        response: { 200: z.object({ id: z.string(), members: z.number().int() }) },
      },
    },
    async (request) => tags.editMembers(db, shopAccess(request).shopId, request.params.tagId, request.body),
  );
  app.post(
    '/api/shops/:shopId/customer-tags/:tagId/import',
    {
      config: { permission: 'customers.write' },
      schema: {
        tags: ['customers'],
        summary: 'Import shoppers into a manual tag from CSV',
        description:
          'Every line is checked; with bad lines nothing is imported (400 with one error per line) unless `partial` is true.',
        params: tagParams,
        body: tags.importInput,
        response: { 200: importResult },
      },
    },
    async (request) => {
      const access = shopAccess(request);
      return tags.importCsv(
        db,
        access.shopId,
        access.accountId,
        { tagId: request.params.tagId },
        request.body,
        (c, params) => translate(c, request.locale, params),
      );
    },
  );
  app.post(
    '/api/shops/:shopId/customer-tags/import',
    {
      config: { permission: 'customers.write' },
      schema: {
        tags: ['customers'],
        summary: 'Import shoppers from CSV into a new tag',
        params: shopParams,
        body: tags.importInput.extend({ name: z.string().trim().min(1).max(40) }),
        response: { 200: importResult },
      },
    },
    async (request) => {
      const access = shopAccess(request);
      return tags.importCsv(
        db,
        access.shopId,
        access.accountId,
        { name: request.body.name },
        request.body,
        (c, params) => translate(c, request.locale, params),
      );
    },
  );

  // ---- segments
  app.post(
    '/api/shops/:shopId/customer-segments/preview',
    {
      config: { permission: 'customers.read' },
      schema: {
        tags: ['customers'],
        summary: 'How many customers a rule selects (the live count while editing)',
        params: shopParams,
        body: segments.previewInput,
        response: { 200: z.object({ count: z.number().int(), total: z.number().int() }) },
      },
    },
    async (request) => segments.preview(db, shopAccess(request).shopId, request.body.rule),
  );
  app.get(
    '/api/shops/:shopId/customer-segments',
    {
      config: { permission: 'customers.read' },
      schema: {
        tags: ['customers'],
        summary: 'Saved segments, newest first',
        params: shopParams,
        response: { 200: z.object({ items: z.array(segmentView) }) },
      },
    },
    async (request) => ({ items: await segments.segmentViews(db, shopAccess(request).shopId) }),
  );
  app.post(
    '/api/shops/:shopId/customer-segments',
    {
      config: { permission: 'customers.write' },
      schema: {
        tags: ['customers'],
        summary: 'Save a rule segment (kept fresh as data changes)',
        params: shopParams,
        body: segments.segmentInput,
        response: { 201: segmentView },
      },
    },
    async (request, reply) => {
      const access = shopAccess(request);
      reply.code(201);
      return segments.createSegment(db, access.shopId, access.accountId, request.body);
    },
  );
  app.get(
    '/api/shops/:shopId/customer-segments/:segmentId',
    {
      config: { permission: 'customers.read' },
      schema: {
        tags: ['customers'],
        summary: 'A saved segment',
        params: segmentParams,
        response: { 200: segmentView },
      },
    },
    async (request) => segments.getSegment(db, shopAccess(request).shopId, request.params.segmentId),
  );
  app.put(
    '/api/shops/:shopId/customer-segments/:segmentId',
    {
      config: { permission: 'customers.write' },
      schema: {
        tags: ['customers'],
        summary: 'Rename a segment or change its rule (algorithmic segments: the name only)',
        params: segmentParams,
        body: segments.segmentInput,
        response: { 200: segmentView },
      },
    },
    async (request) => segments.updateSegment(db, shopAccess(request).shopId, request.params.segmentId, request.body),
  );
  app.delete(
    '/api/shops/:shopId/customer-segments/:segmentId',
    {
      config: { permission: 'customers.write' },
      schema: {
        tags: ['customers'],
        summary: 'Delete a segment and its snapshots',
        params: segmentParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await segments.deleteSegment(db, shopAccess(request).shopId, request.params.segmentId);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/shops/:shopId/customer-segments/:segmentId/snapshots',
    {
      config: { permission: 'customers.write' },
      schema: {
        tags: ['customers'],
        summary: "Freeze a segment's current members",
        params: segmentParams,
        response: { 201: snapshotView },
      },
    },
    async (request, reply) => {
      const access = shopAccess(request);
      reply.code(201);
      return segments.snapshot(db, access.shopId, request.params.segmentId, access.accountId);
    },
  );
  app.get(
    '/api/shops/:shopId/customer-segments/:segmentId/snapshots',
    {
      config: { permission: 'customers.read' },
      schema: {
        tags: ['customers'],
        summary: "A segment's snapshots, newest first",
        params: segmentParams,
        response: { 200: z.object({ items: z.array(snapshotView) }) },
      },
    },
    async (request) => ({
      items: await segments.listSnapshots(db, shopAccess(request).shopId, request.params.segmentId),
    }),
  );
  app.get(
    '/api/shops/:shopId/customer-segments/:segmentId/export',
    {
      config: { permission: 'customers.read' },
      schema: {
        tags: ['customers'],
        summary: "A segment's members (or a snapshot's) as CSV",
        params: segmentParams,
        querystring: z.object({ snapshotId: z.string().max(64).optional() }),
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const { shopId } = shopAccess(request);
      const rows = segments.exportCsv(db, shopId, request.params.segmentId, request.query.snapshotId);
      const first = await rows.next(); // fails (404) before any byte is sent
      const body = Readable.from(
        (async function* () {
          if (!first.done) yield first.value;
          yield* rows;
        })(),
      );
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="segment-${request.params.segmentId}.csv"`)
        .send(body);
    },
  );
  app.post(
    '/api/shops/:shopId/customer-segments/lookalike',
    {
      config: { permission: 'customers.write' },
      schema: {
        tags: ['customers'],
        summary: 'Look-alike expansion of a seed segment (logistic regression; AUC on held-out customers)',
        params: shopParams,
        body: lookalikeInput,
        response: { 201: segmentView },
      },
    },
    async (request, reply) => {
      const access = shopAccess(request);
      reply.code(201);
      return lookalike(db, access.shopId, access.accountId, request.body);
    },
  );
  app.post(
    '/api/shops/:shopId/customer-segments/rfm-clusters',
    {
      config: { permission: 'customers.read' },
      schema: {
        tags: ['customers'],
        summary: "k-means clusters of the shop's buyers on recency, frequency and monetary value",
        params: shopParams,
        body: rfmInput,
        response: {
          200: z.object({
            buyers: z.number().int(),
            clusters: z.array(
              z.object({
                index: z.number().int(),
                size: z.number().int(),
                recencyDays: z.number(),
                orders: z.number(),
                spend: z.number().int(),
                label: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => rfmClusters(db, shopAccess(request).shopId, request.body, request.locale),
  );
  app.post(
    '/api/shops/:shopId/customer-segments/rfm-clusters/save',
    {
      config: { permission: 'customers.write' },
      schema: {
        tags: ['customers'],
        summary: 'Save one RFM cluster as a segment',
        params: shopParams,
        body: saveClusterInput,
        response: { 201: segmentView },
      },
    },
    async (request, reply) => {
      const access = shopAccess(request);
      reply.code(201);
      return saveCluster(db, access.shopId, access.accountId, request.body);
    },
  );

  // ---- insight
  app.get(
    '/api/shops/:shopId/customer-insight',
    {
      config: { permission: 'customers.read' },
      schema: {
        tags: ['customers'],
        summary: "A segment's (or a ready view's) portrait against all customers, with TGI",
        params: shopParams,
        querystring: insightQuery,
        response: {
          200: z.object({
            target: z.string(),
            members: z.number().int(),
            total: z.number().int(),
            dimensions: z.array(distribution),
          }),
        },
      },
    },
    async (request) => portrait(db, shopAccess(request).shopId, request.query, request.locale),
  );
}
