import { z } from 'zod';
import { defineMessages, type Locale, translate } from '../../kernel/http/i18n.js';
import type { App } from '../../kernel/http/server.js';
import type { ModuleContext } from '../../kernel/module.js';
import { format } from '../../kernel/money.js';
import * as testpay from './service.js';

defineMessages({
  'testpay.title': { 'zh-CN': 'TestPay 收银台', 'en-US': 'TestPay checkout' },
  'testpay.notice': {
    'zh-CN': '这是千店内置的测试支付服务，不会产生真实扣款。',
    'en-US': 'This is Qiandian’s built-in test payment service; no real money moves.',
  },
  'testpay.pay': { 'zh-CN': '确认支付', 'en-US': 'Pay now' },
  'testpay.cancel': { 'zh-CN': '返回商家', 'en-US': 'Back to the shop' },
  'testpay.paid': { 'zh-CN': '已支付', 'en-US': 'Paid' },
});

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(locale: Locale, tx: Awaited<ReturnType<typeof testpay.getTransaction>>) {
  const t = (k: string) => escape(translate(k, locale));
  const paid = tx.status === 'succeeded';
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${t('testpay.title')}</title><style>
body{margin:0;font-family:system-ui,-apple-system,"Noto Sans CJK SC",sans-serif;background:#f2f4f7;color:#1f2329}
.card{max-width:420px;margin:48px auto;background:#fff;border-radius:16px;padding:28px;box-shadow:0 4px 24px #0001}
.brand{color:#1677ff;font-weight:700;letter-spacing:.5px}.amount{font-size:40px;font-weight:700;margin:16px 0 4px}
.desc{color:#646a73;margin-bottom:24px}.notice{font-size:12px;color:#8f959e;margin-top:18px}
button{width:100%;height:48px;border:0;border-radius:24px;background:#1677ff;color:#fff;font-size:17px}
a{display:block;text-align:center;margin-top:14px;color:#646a73}</style></head><body><div class="card">
<div class="brand">TestPay</div><div class="amount">¥${format(tx.amount)}</div><div class="desc">${escape(tx.description)}</div>
${paid ? `<button disabled>${t('testpay.paid')}</button>` : `<form method="post" action="/testpay/pay/${escape(tx.ref)}/confirm"><button type="submit" id="testpay-confirm">${t('testpay.pay')}</button></form>`}
${tx.returnUrl ? `<a href="${escape(tx.returnUrl)}">${t('testpay.cancel')}</a>` : ''}
<div class="notice">${t('testpay.notice')}</div></div></body></html>`;
}

/** TestPay's own pages, as the shopper sees them on the provider's side. */
export async function testpayRoutes(app: App, { db }: ModuleContext) {
  const params = z.object({ ref: z.string().min(1).max(64) });
  // The pay page's button submits an HTML form (application/x-www-form-urlencoded) with nothing
  // in it that is read; without a parser for it a browser's press would be refused with 415.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, _body, done) =>
    done(null, {}),
  );
  app.get('/testpay/pay/:ref', { schema: { hide: true, params } }, async (request, reply) => {
    const tx = await testpay.getTransaction(db, request.params.ref);
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page(request.locale, tx));
  });
  app.post(
    '/testpay/pay/:ref/confirm',
    { schema: { hide: true, params }, config: { csrf: false } },
    async (request, reply) => {
      const returnUrl = await testpay.confirmCharge(db, request.params.ref, 2);
      return reply.redirect(returnUrl ?? `/testpay/pay/${request.params.ref}`, 303);
    },
  );
}
