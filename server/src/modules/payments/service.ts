import { and, eq, sql } from 'drizzle-orm';
import type { Config } from '../../kernel/config.js';
import type { Db, Executor, Tx } from '../../kernel/db/pool.js';
import { emit } from '../../kernel/events/outbox.js';
import { AppError, notFound } from '../../kernel/http/errors.js';
import { defineMessages } from '../../kernel/http/i18n.js';
import { newId } from '../../kernel/ids.js';
import { enqueue } from '../../kernel/jobs/queue.js';
import { CURRENCY, sum } from '../../kernel/money.js';
import { testpaySecret } from '../testpay/index.js';
import type { PaymentProvider, ProviderNotification } from './provider.js';
import { paymentAllocations, paymentNotifications, payments, refunds } from './schema.js';
import { testpayProvider } from './testpay-provider.js';

defineMessages({
  'payments.bad_signature': { 'zh-CN': '支付通知签名无效', 'en-US': 'The payment notification signature is invalid' },
  'payments.amount_mismatch': { 'zh-CN': '支付金额与订单不符', 'en-US': 'The amount paid does not match' },
  'payments.not_payable': { 'zh-CN': '该笔支付已关闭', 'en-US': 'This payment can no longer be paid' },
  'payments.not_refundable': {
    'zh-CN': '该笔支付尚未成功，无法退款',
    'en-US': 'This payment has not succeeded; nothing to refund',
  },
  'payments.refund_exceeds_paid': {
    'zh-CN': '退款金额不能超过实付金额',
    'en-US': 'A refund cannot exceed what was paid',
  },
  'payments.unknown_provider': { 'zh-CN': '未知的支付渠道', 'en-US': 'Unknown payment provider' },
});

export interface Payments {
  provider(code: string): PaymentProvider;
  notifyUrl(code: string): string;
}

let registry: Payments | undefined;

/** The configured providers (TestPay built in). Set up once by the module. */
export function setupPayments(db: Db, config: Config): Payments {
  const providers = new Map<string, PaymentProvider>([
    ['testpay', testpayProvider(db, () => testpaySecret(config.DATA_DIR))],
  ]);
  registry = {
    provider(code) {
      const p = providers.get(code);
      if (!p) throw new AppError(404, 'payments.unknown_provider');
      return p;
    },
    notifyUrl: (code) => `${config.PUBLIC_URL}/api/payments/notify/${code}`,
  };
  return registry;
}
function reg(): Payments {
  if (!registry) throw new Error('payments module not set up');
  return registry;
}

export interface Allocation {
  shopId: string;
  orderId: string;
  amount: number;
}

/**
 * Opens a payment for orders in the caller's transaction. The provider is not called here:
 * nobody talks to the outside while holding database locks. `startCharge` does that after
 * commit. The orders become paid only when the provider's verified notification arrives.
 */
export async function createPayment(
  tx: Tx,
  input: { accountId: string; allocations: Allocation[]; provider?: string },
): Promise<{ paymentId: string; amount: number }> {
  const code = input.provider ?? 'testpay';
  reg().provider(code);
  const amount = sum(input.allocations.map((a) => a.amount));
  const paymentId = newId('pay');
  await tx.insert(payments).values({
    id: paymentId,
    accountId: input.accountId,
    amount,
    currency: CURRENCY,
    status: 'pending',
    provider: code,
  });
  await tx.insert(paymentAllocations).values(input.allocations.map((a) => ({ paymentId, ...a })));
  return { paymentId, amount };
}

/** Starts (once) the provider's charge for a pending payment; returns where the shopper pays. */
export async function startCharge(
  db: Db,
  paymentId: string,
  opts: { description: string; returnUrl: string },
): Promise<string> {
  const p = await getPayment(db, paymentId);
  if (p.status !== 'pending') throw new AppError(409, 'payments.not_payable');
  const provider = reg().provider(p.provider);
  if (p.providerRef) return provider.payUrl(p.providerRef);
  const charge = await provider.createCharge({
    paymentId,
    amount: p.amount,
    currency: p.currency,
    description: opts.description,
    notifyUrl: reg().notifyUrl(p.provider),
    returnUrl: opts.returnUrl,
  });
  const [won] = await db
    .update(payments)
    .set({ providerRef: charge.providerRef })
    .where(and(eq(payments.id, paymentId), sql`${payments.providerRef} is null`))
    .returning({ ref: payments.providerRef });
  // Two callers raced: the first charge stands, the other is never paid.
  return won ? charge.payUrl : provider.payUrl((await getPayment(db, paymentId)).providerRef!);
}

export async function getPayment(db: Executor, paymentId: string) {
  const [p] = await db.select().from(payments).where(eq(payments.id, paymentId));
  if (!p) throw notFound('payment');
  return p;
}

/**
 * A provider's notification, verified, applied once. Charge: the payment succeeds if (and only
 * if) the amount and currency match, and `payment.succeeded` is emitted for the orders. Refund:
 * the refund succeeds and `refund.succeeded` is emitted. Duplicates change nothing.
 */
export async function handleNotification(
  db: Db,
  code: string,
  headers: Record<string, string | string[] | undefined>,
  rawBody: string,
): Promise<'applied' | 'duplicate'> {
  const provider = reg().provider(code);
  const note = await provider.verifyNotification(headers, rawBody);
  return db.transaction(async (tx) => {
    const fresh = await tx
      .insert(paymentNotifications)
      .values({ provider: code, id: note.id, type: note.type, outcome: 'applied' })
      .onConflictDoNothing()
      .returning({ id: paymentNotifications.id });
    if (fresh.length === 0) return 'duplicate';
    if (note.type === 'charge.succeeded') await applyCharge(tx, code, note);
    else await applyRefund(tx, note);
    return 'applied';
  });
}

async function applyCharge(tx: Tx, code: string, note: ProviderNotification) {
  const [p] = await tx.select().from(payments).where(eq(payments.id, note.merchantRef)).for('update');
  if (!p || p.provider !== code || p.providerRef !== note.providerRef) throw notFound('payment');
  if (note.amount !== p.amount || note.currency !== p.currency) throw new AppError(400, 'payments.amount_mismatch');
  if (p.status === 'succeeded') return;
  await tx
    .update(payments)
    .set({ status: 'succeeded', paidAt: sql`now()` })
    .where(eq(payments.id, p.id));
  const allocations = await tx.select().from(paymentAllocations).where(eq(paymentAllocations.paymentId, p.id));
  await emit(tx, 'payment.succeeded', {
    paymentId: p.id,
    accountId: p.accountId,
    amount: p.amount,
    allocations: allocations.map((a) => ({ shopId: a.shopId, orderId: a.orderId, amount: a.amount })),
  });
}

async function applyRefund(tx: Tx, note: ProviderNotification) {
  const [r] = await tx.select().from(refunds).where(eq(refunds.id, note.merchantRef)).for('update');
  if (!r) throw notFound('refund');
  if (note.amount !== r.amount) throw new AppError(400, 'payments.amount_mismatch');
  if (r.status === 'succeeded') return;
  await tx
    .update(refunds)
    .set({ status: 'succeeded', succeededAt: sql`now()`, providerRef: note.providerRef })
    .where(eq(refunds.id, r.id));
  await emit(
    tx,
    'refund.succeeded',
    {
      refundId: r.id,
      paymentId: r.paymentId,
      shopId: r.shopId,
      orderId: r.orderId,
      caseId: r.caseId,
      amount: r.amount,
      reason: r.reason,
    },
    r.shopId,
  );
}

/**
 * Refunds part of what an order was paid, in the caller's transaction. The allocation's refunded
 * counter is raised with a guarded UPDATE, so concurrent requests can never refund more than was
 * paid; the provider is called by a job (retried, idempotent by refund id).
 */
export async function requestRefund(
  tx: Tx,
  input: { shopId: string; orderId: string; amount: number; reason: string; caseId?: string },
): Promise<{ refundId: string }> {
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw new AppError(400, 'payments.refund_exceeds_paid');
  const [allocation] = await tx
    .update(paymentAllocations)
    .set({ refunded: sql`${paymentAllocations.refunded} + ${input.amount}` })
    .where(
      and(
        eq(paymentAllocations.shopId, input.shopId),
        eq(paymentAllocations.orderId, input.orderId),
        sql`${paymentAllocations.refunded} + ${input.amount} <= ${paymentAllocations.amount}`,
        sql`exists (select 1 from ${payments} where ${payments.id} = ${paymentAllocations.paymentId} and ${payments.status} = 'succeeded')`,
      ),
    )
    .returning();
  if (!allocation) throw new AppError(409, 'payments.refund_exceeds_paid');
  const refundId = newId('rfd');
  await tx.insert(refunds).values({
    id: refundId,
    paymentId: allocation.paymentId,
    shopId: input.shopId,
    orderId: input.orderId,
    caseId: input.caseId ?? null,
    amount: input.amount,
    reason: input.reason,
    status: 'pending',
  });
  await enqueue(tx, 'payments.execute-refund', { refundId }, { maxAttempts: 10 });
  return { refundId };
}

/** Job: ask the provider to pay the refund out. */
export async function executeRefund(db: Db, refundId: string): Promise<void> {
  const [r] = await db.select().from(refunds).where(eq(refunds.id, refundId));
  if (!r || r.status !== 'pending') return;
  const p = await getPayment(db, r.paymentId);
  const res = await reg()
    .provider(p.provider)
    .refund({ refundId: r.id, providerRef: p.providerRef!, amount: r.amount, notifyUrl: reg().notifyUrl(p.provider) });
  await db.update(refunds).set({ providerRef: res.providerRef }).where(eq(refunds.id, r.id));
}

/** Lets a pending payment lapse (its orders were cancelled before it was paid). */
export async function closeIfPending(tx: Tx, paymentId: string) {
  await tx
    .update(payments)
    .set({ status: 'closed' })
    .where(and(eq(payments.id, paymentId), eq(payments.status, 'pending')));
}

/**
 * For the data dashboard: money refunded to shoppers of a shop in [from, to), by the time each
 * refund succeeded. Payments sent back because they arrived after their order was cancelled are
 * left out: those were never sales.
 */
export async function refundedBetween(tx: Executor, shopId: string, from: Date, to: Date): Promise<number> {
  const [row] = await tx
    .select({ amount: sql<string>`coalesce(sum(${refunds.amount}), 0)::bigint` })
    .from(refunds)
    .where(
      and(
        eq(refunds.shopId, shopId),
        eq(refunds.status, 'succeeded'),
        sql`${refunds.reason} <> 'order_cancelled'`,
        sql`${refunds.succeededAt} >= ${from.toISOString()}::timestamptz and ${refunds.succeededAt} < ${to.toISOString()}::timestamptz`,
      ),
    );
  return Number(row?.amount ?? 0);
}
