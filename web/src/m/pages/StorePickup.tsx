/**
 * Buying through stores on the phone: the pickup store chooser at checkout, the pickup code with
 * its QR in an order, and a product's stock in the store the shopper stands in (scan to buy).
 */
import { useQuery } from '@tanstack/react-query';
import { Input, Popup, Toast } from 'antd-mobile';
import { CheckCircleFill, EnvironmentOutline, RightOutline } from 'antd-mobile-icons';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { ResponseOf } from '../../api/types';
import { formatDateTime } from '../../i18n/locale';
import { useLocale } from '../../i18n/react';
import { Loading } from '../components';
import { useT } from '../i18n';
import './store-pickup.css';

export type PickupStore = ResponseOf<'/api/storefront/shops/{shopId}/pickup-stores', 'get'>['items'][number];
export type OrderPickup = ResponseOf<'/api/me/orders/{shopId}/{orderId}/pickup', 'get'>['items'][number];
export type StoreProduct = ResponseOf<'/api/storefront/shops/{shopId}/stores/{locationId}/products/{productId}', 'get'>;
export interface Place {
  lat?: number | null;
  lng?: number | null;
  province?: string;
  city?: string;
}

/** Weekly hours as people read them: 周一至周日 09:00–21:00 / Mon–Sun 09:00–21:00. */
export function hoursText(hours: PickupStore['openingHours'], locale: string): string {
  const zh = locale === 'zh-CN';
  const names = zh ? ['一', '二', '三', '四', '五', '六', '日'] : ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  const day = (d: number) => (zh ? `周${names[d - 1]}` : names[d - 1]!);
  return hours
    .map((h) => {
      const days = [...h.days].sort((a, b) => a - b);
      const run =
        days.length > 2 && days.every((d, i) => i === 0 || d === days[i - 1]! + 1)
          ? `${day(days[0]!)}${zh ? '至' : '–'}${day(days[days.length - 1]!)}`
          : days.map(day).join(zh ? '、' : ', ');
      return `${run} ${h.open}–${h.close}`;
    })
    .join(zh ? '；' : '; ');
}

const storeAddress = (s: { province: string; city: string; district: string; address: string }) =>
  [s.province, s.city, s.district, s.address].filter(Boolean).join('');

export function usePickupStores(shopId: string, lines: { skuId: string; quantity: number }[], from: Place | null) {
  const q = lines.map((l) => `${l.skuId}:${l.quantity}`).join(',');
  return useQuery({
    queryKey: ['m', 'pickup-stores', shopId, q, from],
    enabled: lines.length > 0,
    queryFn: async () =>
      (
        await call(
          api.GET('/api/storefront/shops/{shopId}/pickup-stores', {
            params: {
              path: { shopId },
              query: {
                lines: q,
                lat: from?.lat ?? undefined,
                lng: from?.lng ?? undefined,
                province: from?.province,
                city: from?.city,
              },
            },
          }),
        )
      ).items,
  });
}

/** The delivery choice of one shop's order at checkout: posted, or picked up at the chosen store. */
export function DeliveryChooser({
  shopId,
  lines,
  titles,
  address,
  pickup,
  onChange,
  invalid,
}: {
  shopId: string;
  lines: { skuId: string; quantity: number }[];
  titles: Map<string, string>;
  address: Place | null;
  /** The chosen store (pickup), or null (delivery). */
  pickup: PickupStore | null | 'choosing';
  onChange: (store: PickupStore | null | 'choosing') => void;
  invalid?: boolean;
}) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const mode = pickup === null ? 'ship' : 'pickup';
  return (
    <>
      <div className="qd-kv qd-delivery" data-testid="delivery-mode">
        <span>{t('delivery.method')}</span>
        <div className="qd-delivery-seg" role="radiogroup">
          <button
            type="button"
            role="radio"
            aria-checked={mode === 'ship'}
            className={mode === 'ship' ? 'on' : ''}
            onClick={() => onChange(null)}
          >
            {t('delivery.ship')}
          </button>
          <button
            type="button"
            role="radio"
            aria-checked={mode === 'pickup'}
            className={mode === 'pickup' ? 'on' : ''}
            data-testid="delivery-pickup"
            onClick={() => {
              if (pickup === null) onChange('choosing');
              setOpen(true);
            }}
          >
            {t('delivery.pickup')}
          </button>
        </div>
      </div>
      {mode === 'pickup' && (
        <div
          className={`qd-pickup-chosen${invalid ? ' qd-invalid' : ''}`}
          role="button"
          data-testid="pickup-store"
          onClick={() => setOpen(true)}
        >
          <EnvironmentOutline />
          {pickup && pickup !== 'choosing' ? (
            <div className="qd-pickup-chosen-main">
              <b>{pickup.name}</b>
              {pickup.distanceKm !== null && (
                <span className="qd-m-muted"> · {t('delivery.km', { km: pickup.distanceKm })}</span>
              )}
              <div className="qd-m-muted">{storeAddress(pickup)}</div>
            </div>
          ) : (
            <div className="qd-pickup-chosen-main">
              <b>{t('delivery.chooseStore')}</b>
            </div>
          )}
          <RightOutline className="qd-cell-arrow" />
        </div>
      )}
      <Popup
        visible={open}
        onMaskClick={() => setOpen(false)}
        bodyStyle={{ borderTopLeftRadius: 14, borderTopRightRadius: 14, maxHeight: '80vh', overflow: 'auto' }}
      >
        {open && (
          <StoreList
            shopId={shopId}
            lines={lines}
            titles={titles}
            address={address}
            chosen={pickup && pickup !== 'choosing' ? pickup.id : null}
            onPick={(s) => {
              onChange(s);
              setOpen(false);
            }}
          />
        )}
      </Popup>
    </>
  );
}

function StoreList({
  shopId,
  lines,
  titles,
  address,
  chosen,
  onPick,
}: {
  shopId: string;
  lines: { skuId: string; quantity: number }[];
  titles: Map<string, string>;
  address: Place | null;
  chosen: string | null;
  onPick: (s: PickupStore) => void;
}) {
  const t = useT();
  const locale = useLocale();
  const [position, setPosition] = useState<Place | null>(null);
  const [locating, setLocating] = useState(false);
  const stores = usePickupStores(shopId, lines, position ?? address);
  const locate = () => {
    if (!navigator.geolocation) return Toast.show({ content: t('delivery.locationFailed') });
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setLocating(false);
        setPosition({ lat: p.coords.latitude, lng: p.coords.longitude });
      },
      () => {
        setLocating(false);
        Toast.show({ content: t('delivery.locationFailed') });
      },
      { timeout: 8000, maximumAge: 300_000 },
    );
  };
  return (
    <div data-testid="pickup-store-list">
      <div className="qd-popup-title">{t('delivery.chooseStore')}</div>
      <div className="qd-pickup-sort">
        <span className="qd-m-muted">{position ? t('delivery.byPosition') : t('delivery.byAddress')}</span>
        <button type="button" className="qd-link-btn" onClick={locate} disabled={locating}>
          <EnvironmentOutline /> {locating ? t('delivery.locating') : t('delivery.useLocation')}
        </button>
      </div>
      {stores.isPending ? (
        <Loading />
      ) : (stores.data ?? []).length === 0 ? (
        <div className="qd-m-muted" style={{ padding: 24, textAlign: 'center' }}>
          {t('delivery.noStores')}
        </div>
      ) : (
        (stores.data ?? []).map((s) => (
          <div
            key={s.id}
            role="button"
            aria-disabled={!s.enough}
            className={`qd-pickup-item${s.enough ? '' : ' off'}`}
            data-testid="pickup-store-item"
            onClick={() => s.enough && onPick(s)}
          >
            <div className="qd-pickup-item-main">
              <div className="qd-pickup-item-head">
                <b>{s.name}</b>
                <span className={`qd-pickup-open${s.openNow ? ' on' : ''}`}>
                  {s.openNow ? t('delivery.open') : t('delivery.closed')}
                </span>
                {s.distanceKm !== null && (
                  <span className="qd-pickup-km">{t('delivery.km', { km: s.distanceKm })}</span>
                )}
              </div>
              <div className="qd-m-muted">{storeAddress(s)}</div>
              {s.openingHours.length > 0 && (
                <div className="qd-m-muted">{t('delivery.hours', { hours: hoursText(s.openingHours, locale) })}</div>
              )}
              <div className="qd-pickup-stock">
                {s.lines.map((l) => (
                  <span key={l.skuId} className={l.available >= l.quantity ? 'ok' : 'short'}>
                    {t('delivery.stockLine', { title: titles.get(l.skuId) ?? '', n: l.available })}
                  </span>
                ))}
              </div>
            </div>
            {s.id === chosen ? (
              <CheckCircleFill className="qd-check-on" />
            ) : (
              <span className={`qd-pickup-badge${s.enough ? '' : ' short'}`}>
                {s.enough ? t('delivery.enough') : t('delivery.short')}
              </span>
            )}
          </div>
        ))
      )}
    </div>
  );
}

/** Who collects an order nothing of which ships: a name and phone instead of an address. */
export function PickupContact({
  value,
  onChange,
  error,
}: {
  value: { name: string; phone: string };
  onChange: (v: { name: string; phone: string }) => void;
  error: string | null;
}) {
  const t = useT();
  return (
    <div className={`qd-panel${error ? ' qd-invalid' : ''}`} data-testid="pickup-contact">
      <div className="qd-panel-head">
        <b>{t('pickup.contact')}</b>
      </div>
      <div className="qd-kv qd-kv-input">
        <span>{t('pickup.contactName')}</span>
        <Input
          value={value.name}
          placeholder={t('pickup.contactNameHint')}
          maxLength={20}
          onChange={(name) => onChange({ ...value, name })}
          style={{ '--text-align': 'right', '--font-size': '14px' }}
          data-testid="pickup-contact-name"
        />
      </div>
      <div className="qd-kv qd-kv-input">
        <span>{t('pickup.contactPhone')}</span>
        <Input
          value={value.phone}
          placeholder={t('pickup.contactPhoneHint')}
          type="tel"
          maxLength={13}
          onChange={(phone) => onChange({ ...value, phone })}
          style={{ '--text-align': 'right', '--font-size': '14px' }}
          data-testid="pickup-contact-phone"
        />
      </div>
      <div className="qd-m-muted qd-pickup-contact-hint">{t('pickup.contactHint')}</div>
      {error && (
        <div className="qd-field-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

/** The pickup code, its QR, the store and the deadline, in the shopper's order. */
export function PickupCodeCard({ shopId, orderId, paid }: { shopId: string; orderId: string; paid: boolean }) {
  const t = useT();
  const locale = useLocale();
  const pickup = useQuery({
    queryKey: ['m', 'order-pickup', shopId, orderId],
    enabled: paid,
    retry: (n, e) => n < 8 && (e as { status?: number }).status === 404,
    retryDelay: 1000,
    queryFn: async () =>
      (await call(api.GET('/api/me/orders/{shopId}/{orderId}/pickup', { params: { path: { shopId, orderId } } })))
        .items,
  });
  if (!paid)
    return (
      <div className="qd-panel qd-pickup-card" data-testid="pickup-card">
        <div className="qd-m-muted">{t('pickup.waiting')}</div>
      </div>
    );
  if (pickup.isPending) return null;
  return (
    <>
      {(pickup.data ?? []).map((p) => (
        <div className="qd-panel qd-pickup-card" key={p.shipmentId} data-testid="pickup-card">
          <div className="qd-panel-head">
            <b>{t('pickup.title')}</b>
          </div>
          {p.status === 'open' ? (
            <>
              <div className="qd-pickup-code" data-testid="pickup-code">
                {p.code.slice(0, 4)} {p.code.slice(4)}
              </div>
              {p.qr && <img className="qd-pickup-qr" src={p.qr} alt={t('pickup.title')} data-testid="pickup-qr" />}
              <div className="qd-m-muted qd-pickup-center">{t('pickup.show')}</div>
              <div className="qd-pickup-deadline">
                {t('pickup.deadline', { time: formatDateTime(p.expiresAt, locale) })}
              </div>
            </>
          ) : (
            <div className="qd-pickup-done" data-testid="pickup-status">
              {p.status === 'picked_up'
                ? t('pickup.collected', { time: formatDateTime(p.pickedUpAt, locale) })
                : p.status === 'expired'
                  ? t('pickup.expired')
                  : t('pickup.cancelled')}
            </div>
          )}
          {p.store && (
            <div className="qd-pickup-storebox">
              <div>
                <span className="qd-m-muted">{t('pickup.store')}</span> <b>{p.store.name}</b>
              </div>
              <div className="qd-m-muted">{storeAddress(p.store)}</div>
              {p.store.openingHours.length > 0 && (
                <div className="qd-m-muted">
                  {t('delivery.hours', { hours: hoursText(p.store.openingHours, locale) })}
                </div>
              )}
            </div>
          )}
        </div>
      ))}
    </>
  );
}

/** The store (and guide) a shelf or guide code named, kept for this browser tab per shop. */
export interface StoreVisit {
  store: string;
  guide?: string;
}
const visitKey = (shopId: string) => `qd.m.storeVisit.${shopId}`;

/** Remembers `?store=` / `&guide=` from a scanned code, so the order placed after browsing is still credited. */
export function rememberStoreVisit(shopId: string, params: URLSearchParams): StoreVisit | null {
  const store = params.get('store');
  const guide = params.get('guide') ?? undefined;
  try {
    if (store) {
      const visit = { store, ...(guide ? { guide } : {}) };
      sessionStorage.setItem(visitKey(shopId), JSON.stringify(visit));
      return visit;
    }
    const saved = sessionStorage.getItem(visitKey(shopId));
    return saved ? (JSON.parse(saved) as StoreVisit) : null;
  } catch {
    return store ? { store, guide } : null;
  }
}

export function forgetStoreVisit(shopId: string) {
  try {
    sessionStorage.removeItem(visitKey(shopId));
  } catch {
    // nothing kept
  }
}

export function useStoreProduct(shopId: string, productId: string, visit: StoreVisit | null) {
  return useQuery({
    queryKey: ['m', 'store-product', shopId, productId, visit?.store, visit?.guide],
    enabled: !!visit,
    retry: false,
    queryFn: () =>
      call(
        api.GET('/api/storefront/shops/{shopId}/stores/{locationId}/products/{productId}', {
          params: {
            path: { shopId, locationId: visit!.store, productId },
            query: { guide: visit!.guide },
          },
        }),
      ),
  });
}

/** "You are in 湖滨店 · guide 小王" on a product opened from a shelf code. */
export function StoreBanner({ data }: { data: StoreProduct }) {
  const t = useT();
  return (
    <div className="qd-store-banner" data-testid="store-banner">
      <EnvironmentOutline />
      <div>
        <b>{t('store.youAreIn', { store: data.store.name })}</b>
        {data.guide && <div>{t('store.guide', { name: data.guide.name })}</div>}
      </div>
    </div>
  );
}

/** The product with each SKU's stock in the store instead of online. */
export function withStoreStock<P extends { skus: { id: string; available: number }[] }>(
  product: P,
  inStore: StoreProduct,
): P {
  const at = new Map(inStore.skus.map((s) => [s.skuId, s.available]));
  return { ...product, skus: product.skus.map((s) => ({ ...s, available: at.get(s.id) ?? 0 })) };
}
