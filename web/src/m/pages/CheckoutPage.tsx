import { Button, Input, Popup, Toast } from 'antd-mobile';
import { AddOutline, CheckCircleFill, LocationFill, RightOutline } from 'antd-mobile-icons';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useMemo, useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { api, call } from '../../api/client';
import { ApiError, errorMessage } from '../../api/errors';
import { keys, useAddresses, usePlaceOrder, type CheckoutLine, type Product } from '../api';
import {
  AddressText,
  BottomBar,
  Empty,
  Img,
  LoadFailed,
  Loading,
  PageBar,
  Price,
  useOnBackForward,
} from '../components';
import { newIdempotencyKey, yuan } from '../format';
import { useT } from '../i18n';
import { ErrorNotice } from './LoginPage';
import { StoreIcon } from './ProductPage';
import { takePickedAddress } from './AddressesPage';
import { DeliveryChooser, PickupContact, type PickupStore, useStoreProduct } from './StorePickup';

export interface CheckoutItem {
  shopId: string;
  productId: string;
  skuId: string;
  quantity: number;
}

/**
 * The checkout page for these lines: `?i=shop:product:sku:quantity` once per line (`cart=1` when
 * from the cart; `store` and `guide` when bought in a store from its shelf code).
 */
export function checkoutPath(
  items: CheckoutItem[],
  fromCart = false,
  inStore?: { store: string; guide?: string },
): string {
  const params = new URLSearchParams();
  for (const i of items) params.append('i', `${i.shopId}:${i.productId}:${i.skuId}:${i.quantity}`);
  if (fromCart) params.set('cart', '1');
  if (inStore) {
    params.set('store', inStore.store);
    if (inStore.guide) params.set('guide', inStore.guide);
  }
  return `/checkout?${params.toString()}`;
}

type Delivery = Record<string, { mode: 'ship' | 'pickup' | 'in_store'; locationId?: string }>;

/** Items, shipping and totals per shop for the chosen delivery (a pickup pays no shipping). */
function usePreview(lines: CheckoutLine[], delivery: Delivery) {
  return useQuery({
    queryKey: [...keys.preview(lines), delivery],
    queryFn: () => call(api.POST('/api/checkout/preview', { body: { lines, delivery } })),
    enabled: lines.length > 0,
    staleTime: 0,
  });
}

function parseItems(params: URLSearchParams): CheckoutItem[] {
  return params.getAll('i').flatMap((raw) => {
    const [shopId, productId, skuId, qty] = raw.split(':');
    const quantity = Number(qty);
    if (!shopId || !productId || !skuId || !Number.isInteger(quantity) || quantity < 1 || quantity > 999) return [];
    return [{ shopId, productId, skuId, quantity }];
  });
}

/** The last payment sent to the provider, so the orders page can wait for it to be applied. */
export const LAST_PAYMENT_KEY = 'qd.m.lastPayment';

export function CheckoutPage() {
  const t = useT();
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  const items = useMemo(() => parseItems(params), [params]);
  const fromCart = params.get('cart') === '1';
  const lines: CheckoutLine[] = useMemo(
    () => items.map(({ shopId, skuId, quantity }) => ({ shopId, skuId, quantity })),
    [items],
  );
  const addresses = useAddresses();
  // Bought in a store (from its shelf code): that shop's order is `in_store` there, credited to it and the guide.
  const inStoreShop = params.get('store') ? items[0]?.shopId : undefined;
  const visit = inStoreShop ? { store: params.get('store')!, guide: params.get('guide') ?? undefined } : null;
  const inStore = useStoreProduct(inStoreShop ?? '', items[0]?.productId ?? '', visit);
  const [pickups, setPickups] = useState<Record<string, PickupStore | 'choosing'>>({});
  const [pickupError, setPickupError] = useState<string | null>(null);
  const delivery: Delivery = useMemo(() => {
    const out: Delivery = {};
    for (const [shopId, p] of Object.entries(pickups))
      if (p !== 'choosing') out[shopId] = { mode: 'pickup', locationId: p.id };
    if (inStoreShop && visit) out[inStoreShop] = { mode: 'in_store', locationId: visit.store };
    return out;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pickups, inStoreShop, visit?.store]);
  const preview = usePreview(lines, delivery);
  const place = usePlaceOrder();
  const productIds = [...new Map(items.map((i) => [`${i.shopId}/${i.productId}`, i])).values()];
  const products = useQueries({
    queries: productIds.map((i) => ({
      queryKey: keys.product(i.shopId, i.productId),
      queryFn: () =>
        call(
          api.GET('/api/storefront/shops/{shopId}/products/{productId}', {
            params: { path: { shopId: i.shopId, productId: i.productId } },
          }),
        ),
    })),
  });
  const productOf = (i: CheckoutItem): Product | undefined =>
    products[productIds.findIndex((p) => p.shopId === i.shopId && p.productId === i.productId)]?.data;

  const [picked, setPicked] = useState<string | null>(takePickedAddress);
  const [pickerOpen, setPickerOpen] = useState(false);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [addressError, setAddressError] = useState<string | null>(null);
  // Who collects, when nothing ships (every shop's goods are picked up or bought in the store).
  const [contact, setContact] = useState<{ name: string; phone: string } | null>(null);
  const [contactError, setContactError] = useState<string | null>(null);
  // One key per visit: a double tap or a retry after a lost answer places the orders once.
  const idempotencyKey = useRef(newIdempotencyKey());
  // Back from the payment page: the button works again (the same key replays the orders placed).
  useOnBackForward(() => place.reset());

  if (items.length === 0) {
    return (
      <div>
        <PageBar title={t('checkout.title')} back="/cart" />
        <Empty title={t('checkout.nothing')} action={<Link to="/cart">{t('checkout.toCart')}</Link>} />
      </div>
    );
  }
  if (addresses.isPending || preview.isPending) {
    return (
      <div>
        <PageBar title={t('checkout.title')} back="/cart" />
        <Loading />
      </div>
    );
  }
  if (addresses.isError) {
    return (
      <div>
        <PageBar title={t('checkout.title')} back="/cart" />
        <LoadFailed error={addresses.error} onRetry={() => void addresses.refetch()} />
      </div>
    );
  }

  const list = addresses.data;
  const address = list.find((a) => a.id === picked) ?? list.find((a) => a.isDefault) ?? list[0];
  const here = `${location.pathname}${location.search}`;
  const newAddress = `/addresses/new?next=${encodeURIComponent(here)}`;
  const shops = [...new Set(items.map((i) => i.shopId))];
  const units = items.reduce((n, i) => n + i.quantity, 0);
  const ships = shops.some((id) => id !== inStoreShop && !pickups[id]);
  const collector = contact ?? { name: address?.name ?? '', phone: address?.phone ?? '' };

  const submit = () => {
    setError(null);
    setAddressError(null);
    setContactError(null);
    if (ships && !address) {
      setAddressError(t('checkout.needAddress'));
      return;
    }
    if (!preview.data) return;
    if (Object.values(pickups).includes('choosing')) {
      setPickupError(t('delivery.needStore'));
      return;
    }
    const attribution =
      inStoreShop && visit
        ? { [inStoreShop]: { storeLocationId: visit.store, ...(visit.guide ? { guideCode: visit.guide } : {}) } }
        : {};
    const cleanNotes = Object.fromEntries(Object.entries(notes).filter(([, v]) => v.trim()));
    place.mutate(
      {
        idempotencyKey: idempotencyKey.current,
        body: {
          lines,
          ...(ships && address
            ? { addressId: address.id }
            : { contact: { name: collector.name.trim(), phone: collector.phone.trim() } }),
          notes: cleanNotes,
          expectedTotal: preview.data.total,
          fromCart,
          delivery,
          attribution,
        },
      },
      {
        onSuccess: (placed) => {
          if (placed.payUrl) {
            try {
              sessionStorage.setItem(LAST_PAYMENT_KEY, placed.paymentId);
            } catch {
              // the orders page polls anyway
            }
            window.location.assign(placed.payUrl);
            return;
          }
          // The provider could not be reached: the orders stand and can be paid from the order.
          Toast.show({ content: t('checkout.payLater') });
          const first = placed.orders[0];
          navigate(first ? `/orders/${first.shopId}/${first.id}` : '/orders', { replace: true });
        },
        onError: (e) => {
          // Refused (nothing was written): the next attempt is a new request with a new key.
          if (e instanceof ApiError && e.status >= 400 && e.status < 500) idempotencyKey.current = newIdempotencyKey();
          setError(errorMessage(e));
          if (e instanceof ApiError) {
            const onAddress = e.fieldErrors.find((f) => f.field === 'body.addressId');
            if (onAddress) setAddressError(onAddress.message);
            const onContact = e.fieldErrors.find((f) => f.field.startsWith('body.contact'));
            if (onContact) setContactError(onContact.message);
            if (e.fieldErrors.some((f) => f.field === 'body.expectedTotal' || f.field.startsWith('body.lines'))) {
              void preview.refetch();
            }
          }
        },
      },
    );
  };

  return (
    <div className="qd-checkout" data-testid="m-checkout">
      <PageBar title={t('checkout.title')} back="/cart" />
      <ErrorNotice message={error} />
      {preview.isError && <ErrorNotice message={errorMessage(preview.error)} />}
      <ErrorNotice message={pickupError} />

      {ships ? (
        <div
          className={`qd-address-card${addressError ? ' qd-invalid' : ''}`}
          role="button"
          data-testid="checkout-address"
          onClick={() => (list.length ? setPickerOpen(true) : navigate(newAddress))}
        >
          <LocationFill className="qd-address-icon" />
          {address ? (
            <div className="qd-address-main">
              <div className="qd-address-who">
                <b>{address.name}</b> <span>{address.phone}</span>
                {address.isDefault && <span className="qd-tag-default">{t('address.default')}</span>}
              </div>
              <div className="qd-address-line">
                <AddressText address={address} />
              </div>
            </div>
          ) : (
            <div className="qd-address-main">
              <b>{t('checkout.addAddress')}</b>
              <div className="qd-m-muted">{t('checkout.addAddressHint')}</div>
            </div>
          )}
          <RightOutline className="qd-cell-arrow" />
          <div className="qd-address-stripe" />
        </div>
      ) : (
        <PickupContact
          value={collector}
          onChange={(v) => {
            setContactError(null);
            setContact(v);
          }}
          error={contactError}
        />
      )}
      {ships && addressError && (
        <div className="qd-field-error qd-field-error-pad" role="alert">
          {addressError}
        </div>
      )}

      {shops.map((shopId) => {
        const group = preview.data?.groups.find((g) => g.shopId === shopId);
        const shopItems = items.filter((i) => i.shopId === shopId);
        return (
          <div className="qd-panel" key={shopId} data-testid="checkout-shop">
            <div className="qd-panel-head">
              <StoreIcon />
              <b>{group?.shopName ?? ''}</b>
            </div>
            {shopItems.map((item) => {
              const product = productOf(item);
              const sku = product?.skus.find((s) => s.id === item.skuId);
              return (
                <div className="qd-line" key={item.skuId}>
                  <Img url={sku?.imageUrl ?? product?.images[0]} size={200} className="qd-line-img" />
                  <div className="qd-line-main">
                    <div className="qd-line-title">{product?.title ?? '…'}</div>
                    {sku && Object.keys(sku.spec).length > 0 && (
                      <div className="qd-line-spec">{Object.values(sku.spec).join(' / ')}</div>
                    )}
                    <div className="qd-line-foot">
                      {sku ? <Price fen={sku.price} size="sm" /> : <span />}
                      <span className="qd-line-qty">×{item.quantity}</span>
                    </div>
                  </div>
                </div>
              );
            })}
            {shopId === inStoreShop ? (
              <div className="qd-kv" data-testid="delivery-in-store">
                <span>{t('delivery.inStore')}</span>
                <span className="qd-m-muted">
                  {inStore.data ? t('delivery.inStoreAt', { store: inStore.data.store.name }) : '…'}
                </span>
              </div>
            ) : (
              <DeliveryChooser
                shopId={shopId}
                lines={shopItems.map(({ skuId, quantity }) => ({ skuId, quantity }))}
                titles={
                  new Map(
                    shopItems.map((i) => {
                      const product = productOf(i);
                      const sku = product?.skus.find((s) => s.id === i.skuId);
                      const spec = sku ? Object.values(sku.spec).join(' / ') : '';
                      return [i.skuId, [product?.title ?? '', spec].filter(Boolean).join(' ')];
                    }),
                  )
                }
                address={
                  address
                    ? { lat: address.lat, lng: address.lng, province: address.province, city: address.city }
                    : null
                }
                pickup={pickups[shopId] ?? null}
                invalid={!!pickupError && pickups[shopId] === 'choosing'}
                onChange={(store) => {
                  setPickupError(null);
                  setPickups((prev) => {
                    const next = { ...prev };
                    if (store === null) delete next[shopId];
                    else next[shopId] = store;
                    return next;
                  });
                }}
              />
            )}
            <div className="qd-kv">
              <span>{t('checkout.shipping')}</span>
              <span data-testid="checkout-shipping">
                {group ? (group.shippingFee ? `¥${yuan(group.shippingFee)}` : t('checkout.freeShipping')) : '—'}
              </span>
            </div>
            <div className="qd-kv qd-kv-input">
              <span>{t('checkout.note')}</span>
              <Input
                placeholder={t('checkout.notePlaceholder')}
                maxLength={200}
                value={notes[shopId] ?? ''}
                onChange={(v) => setNotes((n) => ({ ...n, [shopId]: v }))}
                style={{ '--text-align': 'right', '--font-size': '14px' }}
                data-testid="checkout-note"
              />
            </div>
            <div className="qd-kv qd-kv-total">
              <span>{t('checkout.subtotal', { n: shopItems.reduce((n, i) => n + i.quantity, 0) })}</span>
              {group ? <Price fen={group.total} size="sm" /> : <span>—</span>}
            </div>
          </div>
        );
      })}

      <BottomBar className="qd-submitbar">
        <span className="qd-submitbar-count">{t('checkout.units', { n: units })}</span>
        <span className="qd-submitbar-total">
          {t('checkout.total')}
          {preview.data ? <Price fen={preview.data.total} size="lg" testId="checkout-total" /> : '—'}
        </span>
        <Button
          color="primary"
          shape="rounded"
          className="qd-submit-btn"
          data-testid="checkout-submit"
          loading={place.isPending || place.isSuccess}
          disabled={!preview.data}
          onClick={submit}
        >
          {t('checkout.submit')}
        </Button>
      </BottomBar>

      <Popup
        visible={pickerOpen}
        onMaskClick={() => setPickerOpen(false)}
        bodyStyle={{ borderTopLeftRadius: 14, borderTopRightRadius: 14, maxHeight: '75vh', overflow: 'auto' }}
      >
        <div className="qd-popup-title">{t('checkout.chooseAddress')}</div>
        <div className="qd-address-pick">
          {list.map((a) => (
            <div
              key={a.id}
              className="qd-address-pick-item"
              role="button"
              onClick={() => {
                setPicked(a.id);
                setAddressError(null);
                setPickerOpen(false);
              }}
            >
              <div style={{ flex: 1, minWidth: 0 }}>
                <div className="qd-address-who">
                  <b>{a.name}</b> <span>{a.phone}</span>
                  {a.isDefault && <span className="qd-tag-default">{t('address.default')}</span>}
                </div>
                <div className="qd-address-line">
                  <AddressText address={a} />
                </div>
              </div>
              {a.id === address?.id && <CheckCircleFill className="qd-check-on" />}
            </div>
          ))}
        </div>
        <div className="qd-popup-foot">
          <Button block shape="rounded" color="primary" onClick={() => navigate(newAddress)}>
            <AddOutline /> {t('address.add')}
          </Button>
        </div>
      </Popup>
    </div>
  );
}
