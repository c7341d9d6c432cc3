import { Tag } from 'antd';
import type { CaseStatus, OrderStatus } from '../../commerce';
import { type SellerT, useT } from '../../i18n';

export const orderStatusColor: Record<OrderStatus, string> = {
  pending_payment: 'gold',
  paid: 'orange',
  shipped: 'blue',
  received: 'cyan',
  completed: 'green',
  cancelled: 'default',
  closed: 'default',
};

export function OrderStatusTag({ status }: { status: OrderStatus }) {
  const t = useT();
  return (
    <Tag color={orderStatusColor[status]} style={{ marginInlineEnd: 0 }} data-testid="order-status">
      {t(`order.status.${status}`)}
    </Tag>
  );
}

export const caseStatusColor: Record<CaseStatus, string> = {
  requested: 'orange',
  awaiting_return: 'gold',
  returned: 'blue',
  refunding: 'processing',
  refunded: 'green',
  rejected: 'red',
  cancelled: 'default',
};

export function CaseStatusTag({ status }: { status: CaseStatus }) {
  const t = useT();
  return (
    <Tag color={caseStatusColor[status]} style={{ marginInlineEnd: 0 }} data-testid="case-status">
      {t(`case.status.${status}`)}
    </Tag>
  );
}

/** A timeline note or close reason in words: known codes translated, a merchant's own text as typed. */
export function noteText(t: SellerT, note: string | null | undefined, formatMoney: (fen: number) => string): string {
  if (!note) return '';
  const refund = /^refund:(\d+)$/.exec(note);
  if (refund) return t('order.note.refund', { amount: formatMoney(Number(refund[1])) });
  const known: Record<string, Parameters<SellerT>[0]> = {
    refund_after_cancel: 'order.note.refund_after_cancel',
    payment_timeout: 'order.note.payment_timeout',
    buyer_cancelled: 'order.note.buyer_cancelled',
    auto: 'order.note.auto',
    handed_over: 'order.note.handed_over',
    refunded: 'order.note.refunded',
    order_cancelled: 'order.note.order_cancelled',
  };
  const key = known[note];
  return key ? t(key) : note;
}
