import { Button, Dialog, DotLoading, InfiniteScroll, NoticeBar, Tabs, Toast } from 'antd-mobile';
import { CheckCircleFill, RightOutline } from 'antd-mobile-icons';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { payUrlFor, useCancelOrder, useConfirmReceipt, useOrders, type Order, type OrderStatus } from '../api';
import { Empty, Img, LoadFailed, Loading, PageBar, Price, toastError, useOnBackForward } from '../components';
import { useT, type MKey } from '../i18n';
import { LAST_PAYMENT_KEY } from './CheckoutPage';
import { StoreIcon } from './ProductPage';

const TABS = ['all', 'pending_payment', 'paid', 'shipped', 'received'] as const;
type Tab = (typeof TABS)[number];

/** The status as the buyer reads it: a paid pickup or in-store order waits to be collected, not shipped. */
export const orderStatusKey = (s: OrderStatus, fulfilment?: string): MKey =>
  s === 'paid' && (fulfilment === 'pickup' || fulfilment === 'in_store')
    ? 'order.status.toCollect'
    : `order.status.${s}`;
/** Statuses in which the buyer may still ask for after-sales. */
export const aftersalesOpen = (s: OrderStatus) => s === 'paid' || s === 'shipped' || s === 'received';

function lastPayment(): string | null {
  try {
    return sessionStorage.getItem(LAST_PAYMENT_KEY);
  } catch {
    return null;
  }
}

/** The shopper's orders by status; after paying (`?paid=1`) it waits for the payment to be applied. */
export function OrdersPage() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const tab = (TABS as readonly string[]).includes(params.get('status') ?? '') ? (params.get('status') as Tab) : 'all';
  const returned = params.get('paid') === '1';
  const paymentId = returned ? lastPayment() : null;
  const [timedOut, setTimedOut] = useState(false);
  /** The payment this visit came back from is applied (or, not knowing which, the newest order is). */
  const settled = (list: Order[]) => {
    const mine = paymentId ? list.filter((o) => o.paymentId === paymentId) : list.slice(0, 1);
    return mine.length > 0 && mine.every((o) => o.status !== 'pending_payment');
  };
  // Payment is applied when the provider's notification arrives: look again for a little while.
  const orders = useOrders(tab, { pollWhile: (list) => returned && !timedOut && !settled(list) });
  const items = orders.data?.pages.flatMap((p) => p.items) ?? [];
  const confirmed = returned && settled(items);
  const waiting = returned && !timedOut && !confirmed;
  useEffect(() => {
    if (!returned) return;
    const timer = setTimeout(() => setTimedOut(true), 30_000);
    return () => clearTimeout(timer);
  }, [returned]);

  return (
    <div className="qd-orders" data-testid="m-orders">
      <PageBar
        title={t('orders.title')}
        back="/me"
        right={
          <Link to="/aftersales" className="qd-link">
            {t('orders.aftersales')}
          </Link>
        }
      />
      <div className="qd-tabs-sticky">
        <Tabs
          activeKey={tab}
          onChange={(key) => {
            const next = new URLSearchParams(params);
            if (key === 'all') next.delete('status');
            else next.set('status', key);
            setParams(next, { replace: true });
          }}
          style={{ '--title-font-size': '14px', '--active-line-color': 'var(--adm-color-primary)' }}
        >
          {TABS.map((k) => (
            <Tabs.Tab key={k} title={t(k === 'all' ? 'orders.all' : (`orders.tab.${k}` as MKey))} />
          ))}
        </Tabs>
      </div>
      {returned &&
        (confirmed ? (
          <div className="qd-paid-banner" data-testid="payment-confirmed">
            <CheckCircleFill /> {t('orders.paidBanner')}
          </div>
        ) : waiting ? (
          <NoticeBar
            content={
              <span>
                {t('orders.confirming')} <DotLoading />
              </span>
            }
            color="info"
            data-testid="payment-confirming"
          />
        ) : null)}
      {orders.isPending ? (
        <Loading />
      ) : orders.isError ? (
        <LoadFailed error={orders.error} onRetry={() => void orders.refetch()} />
      ) : items.length === 0 ? (
        <Empty title={t('orders.none')} action={<Link to="/">{t('cart.goShopping')}</Link>} />
      ) : (
        <>
          {items.map((o) => (
            <OrderCard key={`${o.shopId}/${o.id}`} order={o} />
          ))}
          <InfiniteScroll
            hasMore={!!orders.hasNextPage}
            loadMore={async () => {
              const next = await orders.fetchNextPage();
              if (next.isError) throw next.error;
            }}
          />
        </>
      )}
    </div>
  );
}

function OrderCard({ order }: { order: Order }) {
  const t = useT();
  const navigate = useNavigate();
  const units = order.lines.reduce((n, l) => n + l.quantity, 0);
  const to = `/orders/${order.shopId}/${order.id}`;
  return (
    <div
      className="qd-panel qd-order-card"
      data-testid="order-card"
      data-order-id={order.id}
      data-status={order.status}
    >
      <div className="qd-panel-head">
        <Link to={`/shops/${order.shopId}`} className="qd-panel-shop">
          <StoreIcon />
          <b>{order.shopName}</b>
          <RightOutline />
        </Link>
        <span className={`qd-order-status qd-order-status-${order.status}`} data-testid="order-status">
          {t(orderStatusKey(order.status, order.fulfilment))}
        </span>
      </div>
      <div role="link" onClick={() => navigate(to)}>
        {order.lines.map((l) => (
          <div className="qd-line" key={l.lineNo}>
            <Img url={l.imageUrl} size={200} className="qd-line-img" />
            <div className="qd-line-main">
              <div className="qd-line-title">{l.title}</div>
              {l.specText && <div className="qd-line-spec">{l.specText}</div>}
            </div>
            <div className="qd-line-side">
              <Price fen={l.unitPrice} size="sm" color="#333" />
              <span className="qd-line-qty">×{l.quantity}</span>
            </div>
          </div>
        ))}
        <div className="qd-order-sum">
          {t('orders.units', { n: units })}
          <span>{order.status === 'pending_payment' ? t('orders.due') : t('orders.paid')}</span>
          <Price fen={order.total} size="md" color="#333" />
        </div>
        {order.refundedAmount > 0 && (
          <div className="qd-order-sum qd-order-refunded">
            {t('orders.refunded')} <Price fen={order.refundedAmount} size="sm" color="#10a35d" />
          </div>
        )}
      </div>
      <OrderActions order={order} />
    </div>
  );
}

/** What the buyer can do with an order in its current status. */
export function OrderActions({ order, bar = false }: { order: Order; bar?: boolean }) {
  const t = useT();
  const navigate = useNavigate();
  const cancel = useCancelOrder();
  const confirm = useConfirmReceipt();
  const [paying, setPaying] = useState(false);
  useOnBackForward(() => setPaying(false));
  const size = bar ? 'middle' : 'small';

  const pay = async () => {
    if (!order.paymentId) return;
    setPaying(true);
    try {
      const url = await payUrlFor(order.paymentId);
      if (!url) {
        Toast.show({ content: t('orders.alreadyPaid') });
        setPaying(false);
        return;
      }
      sessionStorage.setItem(LAST_PAYMENT_KEY, order.paymentId);
      window.location.assign(url);
    } catch (e) {
      setPaying(false);
      toastError(e);
    }
  };

  const buttons = [];
  if (order.status === 'pending_payment') {
    buttons.push(
      <Button
        key="cancel"
        size={size}
        shape="rounded"
        loading={cancel.isPending}
        data-testid="order-cancel"
        onClick={async () => {
          const ok = await Dialog.confirm({
            content: t('orders.cancelConfirm'),
            confirmText: t('orders.cancel'),
            cancelText: t('orders.keep'),
          });
          if (ok)
            cancel.mutate(order, {
              onSuccess: () => Toast.show({ content: t('orders.cancelled') }),
              onError: toastError,
            });
        }}
      >
        {t('orders.cancel')}
      </Button>,
      <Button
        key="pay"
        size={size}
        shape="rounded"
        color="primary"
        loading={paying}
        data-testid="order-pay"
        onClick={() => void pay()}
      >
        {t('orders.pay')}
      </Button>,
    );
  }
  if (aftersalesOpen(order.status)) {
    buttons.push(
      <Button
        key="aftersales"
        size={size}
        shape="rounded"
        data-testid="order-aftersales"
        onClick={() => navigate(`/orders/${order.shopId}/${order.id}/aftersales`)}
      >
        {order.status === 'paid' ? t('orders.refund') : t('orders.requestAftersales')}
      </Button>,
    );
  }
  if (order.status === 'shipped') {
    buttons.push(
      <Button
        key="receive"
        size={size}
        shape="rounded"
        color="primary"
        loading={confirm.isPending}
        data-testid="order-confirm-receipt"
        onClick={async () => {
          const ok = await Dialog.confirm({
            title: t('orders.receiveTitle'),
            content: t('orders.receiveConfirm'),
            confirmText: t('orders.receive'),
            cancelText: t('cancel'),
          });
          if (ok)
            confirm.mutate(order, {
              onSuccess: () => Toast.show({ icon: 'success', content: t('orders.received') }),
              onError: toastError,
            });
        }}
      >
        {t('orders.receive')}
      </Button>,
    );
  }
  if (['received', 'completed', 'cancelled', 'closed'].includes(order.status) && order.lines[0]) {
    buttons.push(
      <Button
        key="again"
        size={size}
        shape="rounded"
        fill="outline"
        color="primary"
        onClick={() => navigate(`/shops/${order.shopId}/products/${order.lines[0]!.productId}`)}
      >
        {t('orders.again')}
      </Button>,
    );
  }
  if (buttons.length === 0) return null;
  return <div className={bar ? 'qd-order-actions qd-order-actions-bar' : 'qd-order-actions'}>{buttons}</div>;
}
