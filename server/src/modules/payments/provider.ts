/**
 * What Qiandian needs of a payment provider. One implementation ships (TestPay, for
 * development and tests); a real provider (Alipay, WeChat Pay, UnionPay) implements the same.
 */
export interface PaymentProvider {
  /** Stable code stored with each payment, e.g. `testpay`. */
  readonly code: string;
  /** Starts a charge; returns the provider's reference and where the shopper goes to pay. */
  createCharge(input: {
    paymentId: string;
    amount: number;
    currency: string;
    description: string;
    notifyUrl: string;
    returnUrl: string;
  }): Promise<{ providerRef: string; payUrl: string }>;
  /** Where the shopper pays an open charge. */
  payUrl(providerRef: string): string;
  /** Checks a notification's signature over the raw body and reads it; throws when it is not genuine. */
  verifyNotification(
    headers: Record<string, string | string[] | undefined>,
    rawBody: string,
  ): Promise<ProviderNotification>;
  /** Asks the provider for a charge's state (reconciliation, a shopper returning before the notification). */
  query(providerRef: string): Promise<{ status: 'pending' | 'succeeded' | 'closed'; amount: number }>;
  /** Starts a refund of part or all of a charge; the result arrives as a notification. Idempotent by refundId. */
  refund(input: {
    refundId: string;
    providerRef: string;
    amount: number;
    notifyUrl: string;
  }): Promise<{ providerRef: string }>;
}

export interface ProviderNotification {
  /** The provider's id of this notification: the same for every retry of it. */
  id: string;
  type: 'charge.succeeded' | 'refund.succeeded';
  /** Our id: the payment's for charges, the refund's for refunds. */
  merchantRef: string;
  providerRef: string;
  amount: number;
  currency: string;
}
