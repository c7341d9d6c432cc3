import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { keyedRateLimit } from '../../kernel/http/rate-limit.js';
import type { App } from '../../kernel/http/server.js';
import type { ModuleContext } from '../../kernel/module.js';
import { handleInbound, type InboundLimits } from './inbound.js';
import { getMessage, listMessages, messageDetail, messageQuery, messageSummary, detail } from './log.js';
import { resend } from './outbound.js';
import {
  createPartner,
  getPartner,
  listPartners,
  partnerInput,
  partnerUpdate,
  partnerView,
  rotateSecret,
  updatePartner,
} from './partners.js';
import { pageOf } from '../../kernel/http/pagination.js';

export const ROUTER_PATH = '/router/qimen/service';

const shopParams = z.object({ shopId: z.string().min(1).max(64) });
const partnerParams = shopParams.extend({ partnerId: z.string().min(1).max(64) });
const messageParams = shopParams.extend({ qimenMessageId: z.string().min(1).max(64) });
const withSecret = z.object({ partner: partnerView, secret: z.string() });

/** Query parameters as one string each (a repeated key keeps its first value). */
function flatQuery(query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    const first = Array.isArray(v) ? v[0] : v;
    if (typeof first === 'string') out[k] = first;
  }
  return out;
}

/** Failed authentications of one app key logged a minute; beyond it they are answered, not logged. */
export const AUTH_FAILURES_LOGGED_PER_MINUTE = 60;

export async function qimenRoutes(app: App, { db }: ModuleContext) {
  // Per app key, in the kernel's rate-limit store (Redis with REDIS_URL, shared by every node).
  const calls = keyedRateLimit(app, { name: 'qimen-calls', windowMs: 60_000 });
  const authFailures = keyedRateLimit(app, { name: 'qimen-auth-failures', windowMs: 60_000 });
  const limitsFor = (request: FastifyRequest): InboundLimits => ({
    async admit(partner) {
      const r = await calls(request, partner.appKey, partner.callsPerMinute);
      return r.allowed ? null : { retryAfterSeconds: r.retryAfterSeconds };
    },
    async logAuthFailure(partner) {
      return (await authFailures(request, partner.appKey, AUTH_FAILURES_LOGGED_PER_MINUTE)).allowed;
    },
  });

  // The gateway: its own scope, where every body is kept as the exact bytes received, since the
  // signature covers them.
  await app.register(async (router) => {
    router.removeAllContentTypeParsers();
    router.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    router.post(
      ROUTER_PATH,
      {
        schema: {
          tags: ['qimen'],
          summary: 'Qimen (奇门) router: signed calls from WMS / ERP / POS partners',
          description:
            'System parameters in the query string (method, app_key, customerId, format, timestamp, v, ' +
            'sign_method, sign); the document is the raw XML (`<request>`) or JSON body. Always answers ' +
            '200 with a Qimen envelope: flag success|failure, code, message. A partner over its calls a ' +
            'minute gets code 7 (App Call Limited) with sub_code accesscontrol.limited-by-app-access-count.',
        },
        config: { csrf: false, rateLimit: false },
      },
      async (request, reply) => {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const answer = await handleInbound(
          db,
          { query: flatQuery(request.query), body, locale: request.locale },
          request.log,
          limitsFor(request),
        );
        return reply
          .code(200)
          .type(answer.format === 'json' ? 'application/json;charset=utf-8' : 'text/xml;charset=utf-8')
          .send(answer.body);
      },
    );
  });

  // ---- workbench
  app.get(
    '/api/shops/:shopId/qimen/partners',
    {
      config: { permission: 'integrations.manage' },
      schema: {
        tags: ['qimen'],
        summary: 'Qimen partners (WMS, ERP, POS) of the shop',
        params: shopParams,
        response: { 200: z.object({ items: z.array(partnerView) }) },
      },
    },
    async (request) => ({ items: await listPartners(db, request.params.shopId) }),
  );
  app.post(
    '/api/shops/:shopId/qimen/partners',
    {
      config: { permission: 'integrations.manage' },
      schema: {
        tags: ['qimen'],
        summary: 'Add a partner; its secret is in this answer only',
        params: shopParams,
        body: partnerInput,
        response: { 201: withSecret },
      },
    },
    async (request, reply) => reply.code(201).send(await createPartner(db, request.params.shopId, request.body)),
  );
  app.get(
    '/api/shops/:shopId/qimen/partners/:partnerId',
    {
      config: { permission: 'integrations.manage' },
      schema: { tags: ['qimen'], summary: 'A partner', params: partnerParams, response: { 200: partnerView } },
    },
    async (request) => getPartner(db, request.params.shopId, request.params.partnerId),
  );
  app.put(
    '/api/shops/:shopId/qimen/partners/:partnerId',
    {
      config: { permission: 'integrations.manage' },
      schema: {
        tags: ['qimen'],
        summary: 'Change a partner: name, customerId, signing, endpoint, warehouses it runs',
        params: partnerParams,
        body: partnerUpdate,
        response: { 200: partnerView },
      },
    },
    async (request) => updatePartner(db, request.params.shopId, request.params.partnerId, request.body),
  );
  app.post(
    '/api/shops/:shopId/qimen/partners/:partnerId/rotate-secret',
    {
      config: { permission: 'integrations.manage' },
      schema: {
        tags: ['qimen'],
        summary: 'A new secret (shown once); the old one stops working at once',
        params: partnerParams,
        response: { 200: withSecret },
      },
    },
    async (request) => rotateSecret(db, request.params.shopId, request.params.partnerId),
  );
  app.get(
    '/api/shops/:shopId/qimen/messages',
    {
      config: { permission: 'integrations.manage' },
      schema: {
        tags: ['qimen'],
        summary: 'The Qimen message log, newest first',
        params: shopParams,
        querystring: messageQuery,
        response: { 200: pageOf(messageSummary) },
      },
    },
    async (request) => listMessages(db, request.params.shopId, request.query),
  );
  app.get(
    '/api/shops/:shopId/qimen/messages/:qimenMessageId',
    {
      config: { permission: 'integrations.manage' },
      schema: {
        tags: ['qimen'],
        summary: 'One message with its system parameters and bodies',
        params: messageParams,
        response: { 200: messageDetail },
      },
    },
    async (request) => getMessage(db, request.params.shopId, request.params.qimenMessageId),
  );
  app.post(
    '/api/shops/:shopId/qimen/messages/:qimenMessageId/resend',
    {
      config: { permission: 'integrations.manage' },
      schema: {
        tags: ['qimen'],
        summary: 'Send a dead letter again',
        params: messageParams,
        response: { 200: messageDetail },
      },
    },
    async (request) => detail(await resend(db, request.params.shopId, request.params.qimenMessageId), null),
  );
}
