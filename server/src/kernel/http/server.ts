import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { zhCN, en } from 'zod/locales';
import { newId } from '../ids.js';
import type { Db } from '../db/pool.js';
import type { Authenticator } from './auth.js';
import { AppError, type FieldError } from './errors.js';
import { defineMessages, isMessageCode, type Locale, pickLocale, translate } from './i18n.js';
import { idempotencyPlugin } from './idempotency.js';

declare module 'fastify' {
  interface FastifyRequest {
    locale: Locale;
  }
  interface FastifyContextConfig {
    /** false for endpoints called by machines with their own signatures (gateways, notifications). */
    csrf?: boolean;
  }
}

export type App = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  import('fastify').FastifyBaseLogger,
  ZodTypeProvider
>;

defineMessages({
  'format.mobile': { 'zh-CN': '请输入 11 位中国大陆手机号', 'en-US': 'Enter an 11-digit mainland China mobile number' },
  'format.phone': { 'zh-CN': '请输入有效的电话号码', 'en-US': 'Enter a valid phone number' },
  'format.password': { 'zh-CN': '密码长度需为 8 到 128 个字符', 'en-US': 'The password must be 8 to 128 characters' },
  'format.licence': {
    'zh-CN': '统一社会信用代码为 18 位字母或数字（旧版执照为 15 位）',
    'en-US': 'The unified social credit code has 18 letters or digits (15 on old licences)',
  },
  'format.tracking_no': {
    'zh-CN': '运单号为 6 到 32 位字母、数字或短横线',
    'en-US': 'Tracking numbers have 6 to 32 letters, digits or dashes',
  },
  'format.barcode': {
    'zh-CN': '条码为 4 到 32 位字母、数字或短横线',
    'en-US': 'Barcodes have 4 to 32 letters, digits or dashes',
  },
  'format.media_url': {
    'zh-CN': '请使用上传后的图片或视频地址',
    'en-US': 'Use the address of an uploaded image or video',
  },
});

const zodLocales = { 'zh-CN': zhCN().localeError, 'en-US': en().localeError };

function zodFieldErrors(error: FastifyError, locale: Locale): FieldError[] {
  const where = { body: 'body', querystring: 'query', params: 'path', headers: 'header' }[
    String(error.validationContext ?? 'body')
  ];
  return (error.validation ?? []).map((v) => {
    const path = v.instancePath.split('/').filter(Boolean);
    const issue = { ...(v.params as object), code: v.keyword, path, message: v.message } as never;
    // A schema's own message is a catalogue code (e.g. `format.mobile`); otherwise zod's, localized.
    if (v.message && isMessageCode(v.message))
      return { field: [where, ...path].join('.'), code: v.keyword, message: translate(v.message, locale) };
    const localized = v.keyword === 'custom' ? undefined : zodLocales[locale](issue);
    const message = typeof localized === 'string' ? localized : (localized?.message ?? v.message ?? v.keyword);
    return { field: [where, ...path].join('.'), code: v.keyword, message };
  });
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError) {
  const locale = request.locale ?? 'zh-CN';
  const fields = error.fields.map(({ params, ...f }) => ({
    ...f,
    message: translate(f.message, locale, params ?? error.params),
  }));
  return reply
    .code(error.status)
    .headers(error.headers)
    .type('application/problem+json')
    .send({
      type: `https://qiandian.dev/problems/${error.code}`,
      title: translate(error.code, locale, error.params),
      status: error.status,
      code: error.code,
      detail: translate(error.code, locale, error.params),
      instance: request.url,
      requestId: request.id,
      ...(fields.length ? { errors: fields } : {}),
    });
}

export interface HttpOptions {
  db: Db;
  logLevel: string;
  cookieSecret: string;
  cookieSecure: boolean;
  authenticate: Authenticator;
  redis?: Redis;
  /** Requests per minute per account (or client address when anonymous). */
  rateLimit?: number;
}

/** The Fastify instance every module registers on, with the behaviour all endpoints share. */
export async function createHttpServer(opts: HttpOptions): Promise<App> {
  const app = Fastify({
    logger: { level: opts.logLevel, redact: ['req.headers.cookie', 'req.headers.authorization'] },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : newId('req');
    },
    trustProxy: true,
    bodyLimit: 2 * 1024 * 1024,
    return503OnClosing: true,
    ajv: { customOptions: { coerceTypes: false } },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('locale', 'zh-CN');
  app.decorateRequest('principal', null);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) return sendProblem(request, reply, error);
    if (hasZodFastifySchemaValidationErrors(error)) {
      return sendProblem(
        request,
        reply,
        new AppError(400, 'validation_failed', {}, zodFieldErrors(error, request.locale)),
      );
    }
    const status = error.statusCode ?? 500;
    if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') {
      return sendProblem(request, reply, new AppError(403, 'csrf_invalid'));
    }
    if (status === 429) {
      const seconds = Number(reply.getHeader('retry-after') ?? 60);
      return sendProblem(request, reply, new AppError(429, 'rate_limited', { seconds }));
    }
    if (status === 413) return sendProblem(request, reply, new AppError(413, 'payload_too_large'));
    if (status === 415) return sendProblem(request, reply, new AppError(415, 'unsupported_media_type'));
    if (status >= 400 && status < 500) {
      // Malformed JSON, empty bodies and the like: a client error, never a 5xx.
      return sendProblem(
        request,
        reply,
        new AppError(400, 'validation_failed', {}, [
          { field: 'body', code: error.code ?? 'invalid', message: error.message },
        ]),
      );
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(request, reply, new AppError(500, 'internal_error'));
  });

  await app.register(fastifyCookie, { secret: opts.cookieSecret });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    request.locale = pickLocale(request.headers['accept-language']);
    request.principal = await opts.authenticate(request);
  });
  await app.register(fastifyCsrf, {
    cookieKey: 'qd_csrf',
    cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, signed: true, secure: opts.cookieSecure },
  });
  app.addHook('onRequest', (request, reply, done) => {
    const mutating = !['GET', 'HEAD', 'OPTIONS'].includes(request.method);
    const byCookie = !request.headers.authorization;
    if (!mutating || !byCookie || request.routeOptions.config?.csrf === false || !request.url.startsWith('/api/')) {
      return done();
    }
    app.csrfProtection(request, reply, done);
  });

  await app.register(fastifyRateLimit, {
    global: true,
    hook: 'preHandler',
    max: opts.rateLimit ?? 600,
    timeWindow: 60_000,
    ...(opts.redis ? { redis: opts.redis, nameSpace: 'qd-rl:' } : {}),
    keyGenerator: (request) => request.principal?.accountId ?? request.ip,
    errorResponseBuilder: (_request, context) => {
      const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
      return new AppError(429, 'rate_limited', { seconds }, [], { 'retry-after': String(seconds) });
    },
  });
  await app.register(idempotencyPlugin, { db: opts.db });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Qiandian API',
        version: '1.0.0',
        description:
          'Qiandian (千店) platform API. Errors are application/problem+json with a stable `code`. ' +
          'Cookie-authenticated mutations need the `x-csrf-token` header from `GET /api/auth/csrf`. ' +
          'Mutations accept an `Idempotency-Key` header.',
      },
      components: {
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'qd_session' } },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get(
    '/api/auth/csrf',
    {
      schema: {
        tags: ['auth'],
        summary: 'CSRF token for cookie-authenticated mutations',
        response: { 200: z.object({ token: z.string() }) },
      },
    },
    async (_request, reply) => ({ token: reply.generateCsrf() }),
  );
  return app;
}
