import { Tag } from 'antd-mobile';
import { defineDictionary, formatDateTime, translator } from '../../i18n/locale';
import { useLocale } from '../../i18n/react';
import type { OrderDetail } from '../api';

/** Words for an order's parcels on the phone. */
const parcelDict = defineDictionary(
  {
    title: '包裹',
    split: '此订单分 {count} 个包裹发出',
    parcel: '包裹 {n}',
    from: '发货地：{location}',
    tracking: '物流：{carrier} {trackingNo}',
    shippedAt: '发出时间：{time}',
    'status.pending': '待付款',
    'status.pooled': '待发货',
    'status.ready': '待发货',
    'status.shipped': '已发货',
    'status.picked_up': '已取货',
    'status.cancelled': '已取消',
    'kind.pickup': '到店自提',
    'kind.in_store': '店内购买',
    event: '包裹发货',
  },
  {
    title: 'Parcels',
    split: 'This order ships in {count} parcels',
    parcel: 'Parcel {n}',
    from: 'Ships from {location}',
    tracking: 'Tracking: {carrier} {trackingNo}',
    shippedAt: 'Shipped {time}',
    'status.pending': 'Awaiting payment',
    'status.pooled': 'To ship',
    'status.ready': 'To ship',
    'status.shipped': 'Shipped',
    'status.picked_up': 'Picked up',
    'status.cancelled': 'Cancelled',
    'kind.pickup': 'Store pickup',
    'kind.in_store': 'Bought in store',
    event: 'Parcel shipped',
  },
);

export function useParcelT() {
  return translator(parcelDict, useLocale());
}

const COLOR: Record<string, string> = { shipped: 'success', picked_up: 'success', cancelled: 'default' };

/** Each parcel of the order with its own status, items and tracking (shown when the order is split or tracked per parcel). */
export function Parcels({ order }: { order: OrderDetail }) {
  const t = useParcelT();
  const locale = useLocale();
  const parcels = order.shipments.filter((s) => s.status !== 'cancelled' || order.status === 'cancelled');
  if (parcels.length === 0 || (parcels.length === 1 && parcels[0]!.kind === 'ship' && !parcels[0]!.trackingNo))
    return null;
  return (
    <div className="qd-panel" data-testid="order-parcels">
      <div className="qd-panel-head">
        <b>{t('title')}</b>
        {parcels.length > 1 && <span className="qd-parcels-hint"> · {t('split', { count: parcels.length })}</span>}
      </div>
      {parcels.map((s, i) => (
        <div
          key={s.id}
          className="qd-parcel"
          data-testid="order-parcel"
          style={{ padding: '8px 12px', borderTop: i ? '1px solid #f2f2f2' : undefined }}
        >
          <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
            <b>{t('parcel', { n: i + 1 })}</b>
            <Tag color={COLOR[s.status] ?? 'warning'} fill="outline" data-testid="parcel-status">
              {s.kind !== 'ship' && s.status === 'ready'
                ? t(`kind.${s.kind}` as 'kind.pickup')
                : t(`status.${s.status}`)}
            </Tag>
          </div>
          <div style={{ color: '#666', fontSize: 13 }}>
            {s.lines
              .map((l) => {
                const line =
                  order.lines.find((o) => String(o.lineNo) === l.orderLineId) ??
                  order.lines.find((o) => o.skuId === l.skuId);
                return `${line?.title ?? ''}${line?.specText ? ` ${line.specText}` : ''} ×${l.quantity}`;
              })
              .join('；')}
          </div>
          <div style={{ color: '#999', fontSize: 12 }}>{t('from', { location: s.locationName })}</div>
          {s.trackingNo && (
            <div style={{ fontSize: 13 }} data-testid="parcel-tracking">
              {t('tracking', { carrier: s.carrier ?? '', trackingNo: s.trackingNo })}
              <span style={{ color: '#999', marginLeft: 6 }}>
                {t('shippedAt', { time: formatDateTime(s.shippedAt, locale) })}
              </span>
            </div>
          )}
        </div>
      ))}
    </div>
  );
}
