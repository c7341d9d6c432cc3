import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, ProgressBar, Result, Toast } from 'antd-mobile';
import { RightOutline } from 'antd-mobile-icons';
import { type CSSProperties, useEffect, useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import { api, call } from '../../api/client';
import { ApiError, errorMessage } from '../../api/errors';
import type { ResponseOf } from '../../api/types';
import { defineDictionary } from '../../i18n/locale';
import { createUseT } from '../../i18n/react';
import { useMe } from '../../shared/auth';
import { useAddresses } from '../api';
import { AddressText, Img, LoadFailed, Loading, PageBar, Price, useSignedIn } from '../components';
import { newIdempotencyKey, yuan } from '../format';
import { LAST_PAYMENT_KEY } from './CheckoutPage';

const dict = defineDictionary(
  {
    'fs.title': '限时秒杀',
    'fs.startsIn': '距开始',
    'fs.endsIn': '距结束',
    'fs.ended': '秒杀已结束',
    'fs.left': '仅剩 {n} 件',
    'fs.soldOut': '已抢光',
    'fs.won': '{n} 件已抢',
    'fs.limit': '每人限购 {n} 件',
    'fs.mine': '你已抢到 {n} 件',
    'fs.regular': '原价 ¥{price}',
    'fs.buy': '立即抢购',
    'fs.notStarted': '即将开始',
    'fs.queueing': '排队下单中…',
    'fs.shipTo': '收货地址',
    'fs.addAddress': '添加收货地址后才能抢购',
    'fs.wonTitle': '抢到了！',
    'fs.wonBody': '订单 {no} 已生成，请在规定时间内付款，超时名额会让给其他人',
    'fs.pay': '去付款 ¥{total}',
    'fs.viewOrder': '查看订单',
    'fs.lostTitle': '没抢到',
    'fs.again': '再试一次',
    'fs.banner': '秒杀',
    'fs.bannerGo': '去抢购',
    'fs.bannerSoon': '{time} 开抢',
  },
  {
    'fs.title': 'Flash sale',
    'fs.startsIn': 'Starts in',
    'fs.endsIn': 'Ends in',
    'fs.ended': 'This flash sale has ended',
    'fs.left': 'Only {n} left',
    'fs.soldOut': 'Sold out',
    'fs.won': '{n} won',
    'fs.limit': 'Limit {n} per shopper',
    'fs.mine': 'You have {n}',
    'fs.regular': 'Regular ¥{price}',
    'fs.buy': 'Buy now',
    'fs.notStarted': 'Starting soon',
    'fs.queueing': 'Placing your order…',
    'fs.shipTo': 'Ship to',
    'fs.addAddress': 'Add a shipping address to take part',
    'fs.wonTitle': 'You got one!',
    'fs.wonBody': 'Order {no} is placed. Pay in time, or your unit goes to someone else',
    'fs.pay': 'Pay ¥{total}',
    'fs.viewOrder': 'View order',
    'fs.lostTitle': 'Not this time',
    'fs.again': 'Try again',
    'fs.banner': 'Flash sale',
    'fs.bannerGo': 'Buy now',
    'fs.bannerSoon': 'Starts {time}',
  },
);
const useT = createUseT(dict);

type Sale = ResponseOf<'/api/storefront/shops/{shopId}/flash-sales/{saleId}', 'get'>;
type Bought = ResponseOf<'/api/storefront/shops/{shopId}/flash-sales/{saleId}/buy', 'post'>;

/** Now, ticking every second. */
function useClock() {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function hms(ms: number) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  const days = Math.floor(s / 86400);
  const clock = `${pad(Math.floor((s % 86400) / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
  return days > 0 ? `${days}d ${clock}` : clock;
}

function Countdown({ ms }: { ms: number }) {
  return (
    <span data-testid="fs-countdown" style={{ fontVariantNumeric: 'tabular-nums', fontWeight: 600 }}>
      {hms(ms)}
    </span>
  );
}

/** A flash sale for shoppers: price, countdown, units left, and the buy button with its result. */
export function FlashSalePage() {
  const t = useT();
  const { shopId = '', saleId = '' } = useParams();
  const navigate = useNavigate();
  const location = useLocation();
  const signedIn = useSignedIn();
  const me = useMe();
  const qc = useQueryClient();
  const key = ['flash-sale', shopId, saleId];
  const sale = useQuery({
    queryKey: key,
    queryFn: async () => {
      const data = await call(
        api.GET('/api/storefront/shops/{shopId}/flash-sales/{saleId}', { params: { path: { shopId, saleId } } }),
      );
      // The sale's times are the server's: how far this device's clock is from it.
      return { ...data, clockOffset: new Date(data.serverTime).getTime() - Date.now() };
    },
    refetchInterval: (q) => (q.state.data?.phase === 'running' || q.state.data?.phase === 'upcoming' ? 3000 : false),
  });
  const addresses = useAddresses();
  const now = useClock() + (sale.data?.clockOffset ?? 0);
  const idempotencyKey = useRef(newIdempotencyKey());
  const [result, setResult] = useState<{ won: Bought } | { lost: string } | null>(null);
  const buy = useMutation({
    mutationFn: (addressId: string) =>
      call(
        api.POST('/api/storefront/shops/{shopId}/flash-sales/{saleId}/buy', {
          params: { path: { shopId, saleId } },
          body: { addressId },
          headers: { 'Idempotency-Key': idempotencyKey.current },
        }),
      ),
    onSuccess: (won) => {
      setResult({ won });
      void qc.invalidateQueries({ queryKey: key });
    },
    onError: (e) => {
      // A final answer (sold out, limit, bad input): the next press is a new attempt.
      if (e instanceof ApiError && e.status >= 400 && e.status < 500) idempotencyKey.current = newIdempotencyKey();
      setResult({ lost: errorMessage(e) });
      void qc.invalidateQueries({ queryKey: key });
    },
  });

  if (sale.isPending) return <Loading />;
  if (sale.isError) return <LoadFailed error={sale.error} onRetry={() => void sale.refetch()} />;
  const s: Sale & { clockOffset: number } = sale.data;
  const address = addresses.data?.find((a) => a.isDefault) ?? addresses.data?.[0];
  const startsIn = new Date(s.startsAt).getTime() - now;
  const endsIn = new Date(s.endsAt).getTime() - now;
  const phase =
    s.phase === 'upcoming' && startsIn <= 0 ? 'running' : s.phase === 'running' && endsIn <= 0 ? 'ended' : s.phase;
  const total = s.quota + s.returned;
  const soldOut = phase === 'running' && s.left <= 0;
  const atLimit = s.mine >= s.perShopperLimit;
  const here = location.pathname;

  const press = () => {
    if (!signedIn()) return;
    if (!address) {
      Toast.show({ content: t('fs.addAddress') });
      navigate(`/addresses/new?next=${encodeURIComponent(here)}`);
      return;
    }
    setResult(null);
    buy.mutate(address.id);
  };

  const pay = (won: Bought) => {
    if (!won.payUrl) return navigate(`/orders/${shopId}/${won.orderId}`);
    try {
      sessionStorage.setItem(LAST_PAYMENT_KEY, won.paymentId);
    } catch {
      // the orders page polls anyway
    }
    window.location.assign(won.payUrl);
  };

  return (
    <div data-testid="m-flash-sale" style={{ paddingBottom: 96 }}>
      <PageBar title={t('fs.title')} back={`/shops/${shopId}/products/${s.productId}`} />
      <div style={{ background: '#fff' }}>
        <div style={{ aspectRatio: '1 / 1', overflow: 'hidden' }}>
          <Img url={s.imageUrl} size={960} alt={s.title} />
        </div>
        <div
          style={{
            background: 'linear-gradient(90deg, #ff4d2e, #ff2d6b)',
            color: '#fff',
            padding: '12px 16px',
            display: 'flex',
            justifyContent: 'space-between',
            alignItems: 'center',
          }}
        >
          <div>
            <Price fen={s.price} size="xl" color="#fff" testId="fs-price" />
            <div style={{ fontSize: 12, opacity: 0.85, textDecoration: 'line-through' }}>
              {t('fs.regular', { price: yuan(s.regularPrice) })}
            </div>
          </div>
          <div style={{ textAlign: 'right', fontSize: 13 }} data-testid="fs-phase">
            {phase === 'upcoming' ? (
              <>
                <div>{t('fs.startsIn')}</div>
                <Countdown ms={startsIn} />
              </>
            ) : phase === 'running' ? (
              <>
                <div>{t('fs.endsIn')}</div>
                <Countdown ms={endsIn} />
              </>
            ) : (
              <div>{t('fs.ended')}</div>
            )}
          </div>
        </div>
        <div style={{ padding: '12px 16px' }}>
          <h1 style={{ fontSize: 17, margin: '0 0 4px' }} data-testid="fs-title">
            {s.title}
          </h1>
          {s.specText ? <div style={{ color: '#888', fontSize: 13 }}>{s.specText}</div> : null}
          <div style={{ marginTop: 12 }}>
            <ProgressBar
              percent={Math.round(((total - s.left) / Math.max(1, total)) * 100)}
              style={{ '--fill-color': '#ff2d6b', '--track-width': '8px' } as CSSProperties}
            />
            <div
              style={{ display: 'flex', justifyContent: 'space-between', fontSize: 12, color: '#888', marginTop: 4 }}
            >
              <span data-testid="fs-left">{s.left > 0 ? t('fs.left', { n: s.left }) : t('fs.soldOut')}</span>
              <span>
                {t('fs.limit', { n: s.perShopperLimit })}
                {s.mine > 0 ? ` · ${t('fs.mine', { n: s.mine })}` : ''}
              </span>
            </div>
          </div>
        </div>
      </div>

      {me.data && addresses.data ? (
        <Link
          to={address ? '/addresses' : `/addresses/new?next=${encodeURIComponent(here)}`}
          className="qd-cell"
          style={{ marginTop: 8, background: '#fff', display: 'flex', padding: '12px 16px', color: 'inherit' }}
        >
          <span className="qd-cell-label" style={{ marginRight: 12, color: '#888' }}>
            {t('fs.shipTo')}
          </span>
          <span className="qd-cell-value" style={{ flex: 1 }}>
            {address ? <AddressText address={address} /> : t('fs.addAddress')}
          </span>
          <RightOutline />
        </Link>
      ) : null}

      {result && 'won' in result ? (
        <div style={{ background: '#fff', marginTop: 8 }} data-testid="fs-won">
          <Result status="success" title={t('fs.wonTitle')} description={t('fs.wonBody', { no: result.won.orderNo })} />
          <div style={{ padding: '0 16px 16px', display: 'flex', gap: 12 }}>
            <Button block color="danger" onClick={() => pay(result.won)} data-testid="fs-pay">
              {t('fs.pay', { total: yuan(result.won.total) })}
            </Button>
            <Button block onClick={() => navigate(`/orders/${shopId}/${result.won.orderId}`)}>
              {t('fs.viewOrder')}
            </Button>
          </div>
        </div>
      ) : null}
      {result && 'lost' in result ? (
        <div style={{ background: '#fff', marginTop: 8 }} data-testid="fs-lost">
          <Result status="warning" title={t('fs.lostTitle')} description={result.lost} />
        </div>
      ) : null}

      {result && 'won' in result ? null : (
        <div
          style={{
            position: 'fixed',
            left: 0,
            right: 0,
            bottom: 0,
            padding: '10px 16px calc(10px + env(safe-area-inset-bottom))',
            background: '#fff',
            boxShadow: '0 -1px 4px rgba(0,0,0,0.06)',
            maxWidth: 'var(--qd-m-max-width, 100%)',
            margin: '0 auto',
          }}
        >
          <Button
            block
            size="large"
            color="danger"
            shape="rounded"
            loading={buy.isPending}
            loadingText={t('fs.queueing')}
            disabled={phase !== 'running' || soldOut || atLimit}
            onClick={press}
            data-testid="fs-buy"
          >
            {phase === 'upcoming'
              ? t('fs.notStarted')
              : phase !== 'running'
                ? t('fs.ended')
                : soldOut
                  ? t('fs.soldOut')
                  : atLimit
                    ? t('fs.mine', { n: s.mine })
                    : result && 'lost' in result
                      ? t('fs.again')
                      : t('fs.buy')}
          </Button>
        </div>
      )}
    </div>
  );
}

/** On a product page: its running or upcoming flash sale, with a countdown and a way in. */
export function FlashSaleBanner({ shopId, productId }: { shopId: string; productId: string }) {
  const t = useT();
  const sales = useQuery({
    queryKey: ['flash-sales-of', shopId, productId],
    queryFn: () =>
      call(
        api.GET('/api/storefront/shops/{shopId}/products/{productId}/flash-sales', {
          params: { path: { shopId, productId } },
        }),
      ),
    refetchInterval: 30_000,
  });
  const now = useClock();
  const sale = sales.data?.items.find((s) => new Date(s.endsAt).getTime() > now);
  if (!sale) return null;
  const running = new Date(sale.startsAt).getTime() <= now;
  return (
    <Link
      to={`/shops/${shopId}/flash-sales/${sale.id}`}
      data-testid="pd-flash-sale"
      style={{
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'space-between',
        padding: '10px 16px',
        background: 'linear-gradient(90deg, #ff4d2e, #ff2d6b)',
        color: '#fff',
      }}
    >
      <span>
        <strong style={{ marginRight: 8 }}>⚡ {t('fs.banner')}</strong>
        <Price fen={sale.price} size="md" color="#fff" />
      </span>
      <span style={{ fontSize: 13 }}>
        {running ? (
          <>
            {t('fs.endsIn')} <Countdown ms={new Date(sale.endsAt).getTime() - now} />
          </>
        ) : (
          t('fs.bannerSoon', { time: hms(new Date(sale.startsAt).getTime() - now) })
        )}{' '}
        · {running ? t('fs.bannerGo') : ''}
        <RightOutline />
      </span>
    </Link>
  );
}
