import { z } from 'zod';
import { requirePrincipal } from '../../kernel/http/auth.js';
import { AppError } from '../../kernel/http/errors.js';
import type { App } from '../../kernel/http/server.js';
import type { ModuleContext } from '../../kernel/module.js';
import * as payments from './service.js';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
  }
}

export async function paymentsRoutes(app: App, { db }: ModuleContext) {
  // Signatures are over the exact bytes sent, so this scope keeps the raw JSON body.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    request.rawBody = body as string;
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(
        new AppError(400, 'validation_failed', {}, [{ field: 'body', code: 'invalid_json', message: 'invalid JSON' }]),
        undefined,
      );
    }
  });

  app.post(
    '/api/payments/notify/:provider',
    {
      schema: {
        tags: ['payments'],
        summary: 'Payment provider notifications (signed); answers "success" once applied',
        params: z.object({ provider: z.string().min(1).max(32) }),
      },
      config: { csrf: false, rateLimit: false },
    },
    async (request, reply) => {
      await payments.handleNotification(db, request.params.provider, request.headers, request.rawBody ?? '');
      return reply.type('text/plain').send('success');
    },
  );

  app.get(
    '/api/me/payments/:paymentId',
    {
      schema: {
        tags: ['payments'],
        summary: 'A payment of the signed-in shopper, with where to pay it while pending',
        params: z.object({ paymentId: z.string().min(1).max(64) }),
        response: {
          200: z.object({
            id: z.string(),
            amount: z.number().int(),
            currency: z.string(),
            status: z.enum(['pending', 'succeeded', 'closed']),
            payUrl: z.string().nullable(),
          }),
        },
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const p = await payments.getPayment(db, request.params.paymentId);
      if (p.accountId !== principal.accountId) throw new AppError(404, 'not_found', { what: 'payment' });
      return {
        id: p.id,
        amount: p.amount,
        currency: p.currency,
        status: p.status,
        payUrl:
          p.status === 'pending'
            ? await payments.startCharge(db, p.id, { description: p.id, returnUrl: '/m/orders?paid=1' })
            : null,
      };
    },
  );
}
