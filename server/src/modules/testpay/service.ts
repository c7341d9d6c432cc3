import { createHmac, timingSafeEqual } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Db, Executor } from '../../kernel/db/pool.js';
import { AppError, notFound } from '../../kernel/http/errors.js';
import { newId } from '../../kernel/ids.js';
import { enqueue } from '../../kernel/jobs/queue.js';
import { testpayTransactions } from './schema.js';

/**
 * TestPay: a payment provider built into Qiandian for development, demos and tests. It behaves
 * like a real one: the shopper confirms on TestPay's own page, the result arrives later as a
 * signed HTTP notification to the merchant's notify URL, notifications are sent more than once
 * (as real providers retry), and refunds are asynchronous too.
 */
export const SIGNATURE_HEADER = 'x-testpay-signature';
const TOLERANCE_S = 300;

export interface Notification {
  id: string;
  type: 'charge.succeeded' | 'refund.succeeded';
  ref: string;
  merchantRef: string;
  amount: number;
  currency: string;
  at: string;
}

export function sign(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** Checks the signature header against the raw body; throws 400 `payments.bad_signature`. */
export function verify(secret: string, body: string, header: string | undefined, now = Date.now()): Notification {
  const parts = Object.fromEntries((header ?? '').split(',').map((p) => p.split('=') as [string, string]));
  const t = Number(parts.t);
  const expected = Buffer.from(createHmac('sha256', secret).update(`${parts.t}.${body}`).digest('hex'));
  const given = Buffer.from(parts.v1 ?? '');
  const fresh = Number.isFinite(t) && Math.abs(now / 1000 - t) <= TOLERANCE_S;
  if (!fresh || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AppError(400, 'payments.bad_signature');
  }
  return JSON.parse(body) as Notification;
}

export async function createCharge(
  db: Executor,
  input: {
    merchantRef: string;
    amount: number;
    currency: string;
    description: string;
    notifyUrl: string;
    returnUrl: string;
  },
) {
  const ref = newId('tpc');
  await db.insert(testpayTransactions).values({ ref, kind: 'charge', status: 'created', ...input });
  return { ref };
}

export async function getTransaction(db: Executor, ref: string) {
  const [row] = await db.select().from(testpayTransactions).where(eq(testpayTransactions.ref, ref));
  if (!row) throw notFound('transaction');
  return row;
}

/** The shopper pressed "pay" on TestPay's page: the charge succeeds and notifications go out. */
export async function confirmCharge(db: Db, ref: string, copies: number): Promise<string | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(testpayTransactions)
      .set({ status: 'succeeded', succeededAt: sql`now()` })
      .where(
        and(
          eq(testpayTransactions.ref, ref),
          eq(testpayTransactions.kind, 'charge'),
          eq(testpayTransactions.status, 'created'),
        ),
      )
      .returning();
    if (!row) {
      const existing = await getTransaction(tx, ref);
      if (existing.status === 'succeeded') return existing.returnUrl;
      throw new AppError(409, 'payments.not_payable');
    }
    await scheduleNotifications(tx, row.ref, copies);
    return row.returnUrl;
  });
}

export async function refund(
  db: Executor,
  input: { chargeRef: string; merchantRef: string; amount: number; notifyUrl: string },
  copies: number,
): Promise<{ ref: string }> {
  const charge = await getTransaction(db, input.chargeRef);
  if (charge.status !== 'succeeded') throw new AppError(409, 'payments.not_refundable');
  const [refunded] = await db
    .select({ n: sql<number>`coalesce(sum(${testpayTransactions.amount}), 0)`.mapWith(Number) })
    .from(testpayTransactions)
    .where(and(eq(testpayTransactions.parentRef, charge.ref), eq(testpayTransactions.kind, 'refund')));
  // The provider keeps its own limit too: never more back than was paid.
  if ((refunded?.n ?? 0) + input.amount > charge.amount) throw new AppError(409, 'payments.refund_exceeds_paid');
  const ref = newId('tpr');
  await db.insert(testpayTransactions).values({
    ref,
    kind: 'refund',
    merchantRef: input.merchantRef,
    parentRef: charge.ref,
    amount: input.amount,
    currency: charge.currency,
    status: 'succeeded',
    succeededAt: sql`now()`,
    notifyUrl: input.notifyUrl,
  });
  await scheduleNotifications(db, ref, copies);
  return { ref };
}

async function scheduleNotifications(db: Executor, ref: string, copies: number) {
  for (let i = 0; i < copies; i++) {
    await enqueue(db, 'testpay.notify', { ref, copy: i }, { delayMs: 100 + i * 400, maxAttempts: 10 });
  }
}

/** Job: POST the signed notification; anything but 2xx with body "success" is retried. */
export async function deliverNotification(db: Db, secret: string, ref: string): Promise<void> {
  const tx = await getTransaction(db, ref);
  const note: Notification = {
    id: `ntf_${tx.ref}`,
    type: tx.kind === 'charge' ? 'charge.succeeded' : 'refund.succeeded',
    ref: tx.ref,
    merchantRef: tx.merchantRef,
    amount: tx.amount,
    currency: tx.currency,
    at: (tx.succeededAt ?? new Date()).toISOString(),
  };
  const body = JSON.stringify(note);
  const res = await fetch(tx.notifyUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: sign(secret, body) },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok || text.trim() !== 'success')
    throw new Error(`notify ${tx.notifyUrl} answered ${res.status} ${text.slice(0, 200)}`);
}
