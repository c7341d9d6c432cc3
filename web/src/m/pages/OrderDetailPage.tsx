import { Steps, Toast } from 'antd-mobile';
import { LocationFill, RightOutline } from 'antd-mobile-icons';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { formatDateTime } from '../../i18n/locale';
import { useLocale } from '../../i18n/react';
import { useAftersales, useOrder, type OrderDetail } from '../api';
import { AddressText, Img, LoadFailed, Loading, PageBar, Price } from '../components';
import { yuan } from '../format';
import { useT, type MKey } from '../i18n';
import { caseStatusKey } from './AftersalesPage';
import { OrderActions, orderStatusKey } from './OrdersPage';
import { Parcels, useParcelT } from './Parcels';
import { StoreIcon } from './ProductPage';
import { PickupCodeCard } from './StorePickup';

const TIMELINE_KEYS: Record<string, MKey> = {
  pending_payment: 'timeline.pending_payment',
  paid: 'timeline.paid',
  shipped: 'timeline.shipped',
  received: 'timeline.received',
  completed: 'timeline.completed',
  cancelled: 'timeline.cancelled',
  closed: 'timeline.closed',
};
const REASON_KEYS: Record<string, MKey> = {
  buyer_cancelled: 'reason.buyer_cancelled',
  payment_timeout: 'reason.payment_timeout',
  refunded: 'reason.refunded',
  refund_after_cancel: 'reason.refund_after_cancel',
  auto: 'reason.auto',
  handed_over: 'reason.handed_over',
};

/** A timeline note or close reason in words: machine codes are translated, people's words kept. */
export function useNoteText() {
  const t = useT();
  return (note: string | null | undefined): string | null => {
    if (!note) return null;
    const refund = /^refund:(\d+)$/.exec(note);
    if (refund) return t('reason.refund', { amount: yuan(Number(refund[1])) });
    const key = REASON_KEYS[note];
    return key ? t(key) : note;
  };
}

function useCountdown(until: string | null) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!until) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [until]);
  if (!until) return null;
  const left = Math.max(0, Math.floor((new Date(until).getTime() - now) / 1000));
  const mm = String(Math.floor(left / 60)).padStart(2, '0');
  const ss = String(left % 60).padStart(2, '0');
  return left > 0 ? `${mm}:${ss}` : null;
}

function statusHint(order: OrderDetail, t: ReturnType<typeof useT>, noteText: (n: string | null) => string | null) {
  switch (order.status) {
    case 'paid':
      return t(order.fulfilment === 'ship' ? 'order.hint.paid' : 'order.hint.toCollect');
    case 'shipped':
      return t('order.hint.shipped', { carrier: order.carrier ?? '', trackingNo: order.trackingNo ?? '' });
    case 'received':
      return t('order.hint.received');
    case 'completed':
      return t('order.hint.completed');
    case 'cancelled':
    case 'closed':
      return noteText(order.closeReason) ?? '';
    default:
      return '';
  }
}

export function OrderDetailPage() {
  const { shopId = '', orderId = '' } = useParams();
  const t = useT();
  const pt = useParcelT();
  const locale = useLocale();
  const noteText = useNoteText();
  const order = useOrder(shopId, orderId);
  const cases = useAftersales();
  const countdown = useCountdown(order.data?.status === 'pending_payment' ? order.data.payBy : null);

  if (order.isPending) {
    return (
      <div>
        <PageBar title={t('order.title')} back="/orders" />
        <Loading />
      </div>
    );
  }
  if (order.isError) {
    return (
      <div>
        <PageBar title={t('order.title')} back="/orders" />
        <LoadFailed error={order.error} onRetry={() => void order.refetch()} />
      </div>
    );
  }
  const o = order.data;
  const related = (cases.data ?? []).filter((c) => c.shopId === o.shopId && c.orderId === o.id);
  const timeline = [...o.timeline].reverse();
  const copy = (text: string) => {
    void navigator.clipboard?.writeText(text).then(
      () => Toast.show({ content: t('order.copied') }),
      () => undefined,
    );
  };

  return (
    <div className="qd-order" data-testid="m-order">
      <PageBar title={t('order.title')} back="/orders" />
      <div className={`qd-status-head qd-status-${o.status}`}>
        <div className="qd-status-title" data-testid="order-detail-status">
          {t(orderStatusKey(o.status, o.fulfilment))}
        </div>
        <div className="qd-status-sub">
          {o.status === 'pending_payment'
            ? countdown
              ? t('order.hint.pay', { time: countdown })
              : t('order.hint.payNow')
            : statusHint(o, t, noteText)}
        </div>
      </div>

      {(o.fulfilment === 'pickup' || o.fulfilment === 'in_store') && o.status !== 'cancelled' && (
        <PickupCodeCard shopId={o.shopId} orderId={o.id} paid={o.status !== 'pending_payment'} />
      )}

      <div className="qd-address-card qd-address-static">
        <LocationFill className="qd-address-icon" />
        <div className="qd-address-main">
          <div className="qd-address-who">
            {!o.address.province && <span className="qd-m-muted">{t('pickup.contact')} </span>}
            <b>{o.address.name}</b> <span>{o.address.phone}</span>
          </div>
          {/* A pickup names only who collects; the pickup card above says where. */}
          {o.address.province && (
            <div className="qd-address-line">
              <AddressText address={o.address} />
            </div>
          )}
        </div>
      </div>

      {related.length > 0 && (
        <div className="qd-panel">
          {related.map((c) => (
            <Link key={c.id} to={`/aftersales/${c.shopId}/${c.id}`} className="qd-cell" data-testid="order-case">
              <span className="qd-cell-label">
                {t(c.type === 'refund_only' ? 'aftersale.type.refund_only' : 'aftersale.type.return_refund')}
              </span>
              <span className="qd-cell-value qd-case-status">
                {t(caseStatusKey(c.status))} · ¥{yuan(c.amount)}
              </span>
              <RightOutline className="qd-cell-arrow" />
            </Link>
          ))}
        </div>
      )}

      <div className="qd-panel">
        <div className="qd-panel-head">
          <Link to={`/shops/${o.shopId}`} className="qd-panel-shop">
            <StoreIcon />
            <b>{o.shopName}</b>
            <RightOutline />
          </Link>
        </div>
        {o.lines.map((l) => (
          <Link key={l.lineNo} to={`/shops/${o.shopId}/products/${l.productId}`} className="qd-line">
            <Img url={l.imageUrl} size={200} className="qd-line-img" />
            <div className="qd-line-main">
              <div className="qd-line-title">{l.title}</div>
              {l.specText && <div className="qd-line-spec">{l.specText}</div>}
            </div>
            <div className="qd-line-side">
              <Price fen={l.unitPrice} size="sm" color="#333" />
              <span className="qd-line-qty">×{l.quantity}</span>
            </div>
          </Link>
        ))}
        <div className="qd-kv">
          <span>{t('order.itemsTotal')}</span>
          <span>¥{yuan(o.itemsTotal)}</span>
        </div>
        <div className="qd-kv">
          <span>{t('checkout.shipping')}</span>
          <span>{o.shippingFee ? `¥${yuan(o.shippingFee)}` : t('checkout.freeShipping')}</span>
        </div>
        <div className="qd-kv qd-kv-total">
          <span>{o.status === 'pending_payment' ? t('orders.due') : t('orders.paid')}</span>
          <Price fen={o.total} size="md" testId="order-total" />
        </div>
        {o.refundedAmount > 0 && (
          <div className="qd-kv">
            <span>{t('orders.refunded')}</span>
            <span className="qd-refunded" data-testid="order-refunded">
              ¥{yuan(o.refundedAmount)}
            </span>
          </div>
        )}
      </div>

      <Parcels order={o} />

      <div className="qd-panel">
        <div className="qd-panel-head">
          <b>{t('order.info')}</b>
        </div>
        <div className="qd-kv">
          <span>{t('order.no')}</span>
          <span>
            <span data-testid="order-no">{o.orderNo}</span>{' '}
            <button type="button" className="qd-copy" onClick={() => copy(o.orderNo)}>
              {t('order.copy')}
            </button>
          </span>
        </div>
        {o.buyerNote && (
          <div className="qd-kv">
            <span>{t('checkout.note')}</span>
            <span>{o.buyerNote}</span>
          </div>
        )}
        <div className="qd-kv">
          <span>{t('order.createdAt')}</span>
          <span>{formatDateTime(o.createdAt, locale)}</span>
        </div>
        {o.paidAt && (
          <div className="qd-kv">
            <span>{t('order.paidAt')}</span>
            <span>{formatDateTime(o.paidAt, locale)}</span>
          </div>
        )}
        {o.shippedAt && (
          <div className="qd-kv">
            <span>{t('order.shippedAt')}</span>
            <span>{formatDateTime(o.shippedAt, locale)}</span>
          </div>
        )}
        {o.carrier && (
          <div className="qd-kv">
            <span>{t('order.tracking')}</span>
            <span>
              {o.carrier} {o.trackingNo}
            </span>
          </div>
        )}
        {o.receivedAt && (
          <div className="qd-kv">
            <span>{t('order.receivedAt')}</span>
            <span>{formatDateTime(o.receivedAt, locale)}</span>
          </div>
        )}
      </div>

      <div className="qd-panel">
        <div className="qd-panel-head">
          <b>{t('order.timeline')}</b>
        </div>
        <div className="qd-timeline" data-testid="order-timeline">
          <Steps direction="vertical" current={0}>
            {timeline.map((e, i) => (
              <Steps.Step
                key={`${e.at}-${i}`}
                status={i === 0 ? 'process' : 'finish'}
                title={
                  TIMELINE_KEYS[e.status]
                    ? t(TIMELINE_KEYS[e.status]!)
                    : e.status === 'parcel_shipped'
                      ? pt('event')
                      : e.status
                }
                description={
                  <>
                    {noteText(e.note) && <div>{noteText(e.note)}</div>}
                    <div>{formatDateTime(e.at, locale)}</div>
                  </>
                }
              />
            ))}
          </Steps>
        </div>
      </div>

      <div className="qd-bottombar-space" />
      <div className="qd-bottombar qd-order-bar">
        <OrderActions order={o} bar />
      </div>
    </div>
  );
}
