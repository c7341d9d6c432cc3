import { eq } from 'drizzle-orm';
import type { Db } from '../../kernel/db/pool.js';
import { testpay } from '../testpay/index.js';
import { testpayTransactions } from '../testpay/schema.js';
import type { PaymentProvider } from './provider.js';

/** The adapter for the built-in TestPay provider. */
export function testpayProvider(db: Db, secret: () => Promise<string>): PaymentProvider {
  return {
    code: 'testpay',
    async createCharge(input) {
      const { ref } = await testpay.createCharge(db, {
        merchantRef: input.paymentId,
        amount: input.amount,
        currency: input.currency,
        description: input.description,
        notifyUrl: input.notifyUrl,
        returnUrl: input.returnUrl,
      });
      return { providerRef: ref, payUrl: this.payUrl(ref) };
    },
    // TestPay is served by this same server, so the shopper stays on the origin they came from.
    payUrl: (ref) => `/testpay/pay/${ref}`,
    async verifyNotification(headers, rawBody) {
      const header = headers[testpay.SIGNATURE_HEADER];
      const n = testpay.verify(await secret(), rawBody, typeof header === 'string' ? header : undefined);
      return {
        id: n.id,
        type: n.type,
        merchantRef: n.merchantRef,
        providerRef: n.ref,
        amount: n.amount,
        currency: n.currency,
      };
    },
    async query(providerRef) {
      const tx = await testpay.getTransaction(db, providerRef);
      return {
        status: tx.status === 'succeeded' ? 'succeeded' : tx.status === 'closed' ? 'closed' : 'pending',
        amount: tx.amount,
      };
    },
    async refund(input) {
      const [existing] = await db
        .select()
        .from(testpayTransactions)
        .where(eq(testpayTransactions.merchantRef, input.refundId));
      if (existing) return { providerRef: existing.ref };
      const { ref } = await testpay.refund(
        db,
        { chargeRef: input.providerRef, merchantRef: input.refundId, amount: input.amount, notifyUrl: input.notifyUrl },
        2,
      );
      return { providerRef: ref };
    },
  };
}
