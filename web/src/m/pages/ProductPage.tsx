import { Badge, ImageViewer, Popup, Stepper, Swiper, Toast } from 'antd-mobile';
import { CloseOutline, HeartFill, HeartOutline, LeftOutline, RightOutline, ShopbagOutline } from 'antd-mobile-icons';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useLocale } from '../../i18n/react';
import {
  cartCount,
  useCart,
  useFavourite,
  useProduct,
  useSetCartQuantity,
  useSetFavourite,
  useShopSummary,
  type Product,
  type Sku,
} from '../api';
import { PlacedProducts, placementOrigin, RECOMMENDATION, sendAddToCart, useProductPlacements } from '../Placements';
import { FlashSaleBanner } from './FlashSalePage';
import { Img, LoadFailed, Loading, Price, toastError, useBack, useSignedIn } from '../components';
import { compactCount, imageVariant, yuan } from '../format';
import { useT } from '../i18n';
import { checkoutPath } from './CheckoutPage';
import { rememberStoreVisit, StoreBanner, useStoreProduct, withStoreStock } from './StorePickup';
import { track } from '../beacon';
import './favourites.css';

type Spec = Record<string, string>;
type PickerMode = 'select' | 'cart' | 'buy';

const buyable = (s: Sku) => s.enabled && s.available > 0;
const matches = (s: Sku, spec: Spec) => Object.entries(spec).every(([k, v]) => s.spec[k] === v);

/** The SKU that the chosen values name, once every axis has one. */
function chosenSku(product: Product, spec: Spec): Sku | undefined {
  if (product.specAxes.length === 0) return product.skus.find((s) => s.enabled) ?? product.skus[0];
  if (product.specAxes.some((a) => !spec[a.name])) return undefined;
  return product.skus.find((s) => product.specAxes.every((a) => s.spec[a.name] === spec[a.name]));
}

/** A value can be picked when some SKU with stock has it together with the other values chosen. */
function valueAvailable(product: Product, spec: Spec, axis: string, value: string) {
  const want: Spec = { ...spec, [axis]: value };
  return product.skus.some((s) => buyable(s) && matches(s, want));
}

function singleValues(product: Product | undefined): Spec {
  const single: Spec = {};
  for (const a of product?.specAxes ?? []) if (a.values.length === 1) single[a.name] = a.values[0]!;
  return single;
}

export function StoreIcon() {
  return (
    <svg
      viewBox="0 0 24 24"
      width="1em"
      height="1em"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.7"
      aria-hidden="true"
    >
      <path
        d="M4 9.5V20h16V9.5M3 5h18l-1.2 3.6a2.6 2.6 0 0 1-4.9.2 2.7 2.7 0 0 1-5 0 2.6 2.6 0 0 1-4.9-.2z"
        strokeLinejoin="round"
      />
      <path d="M9.5 20v-5h5v5" strokeLinejoin="round" />
    </svg>
  );
}

export function ProductPage() {
  const { shopId = '', productId = '' } = useParams();
  const t = useT();
  const locale = useLocale();
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const product = useProduct(shopId, productId);
  // Opened from a store's shelf code (or a guide's): that store's stock, and the order is bought there.
  const [visit] = useState(() => rememberStoreVisit(shopId, search));
  const inStore = useStoreProduct(shopId, productId, visit);
  const placements = useProductPlacements(shopId, productId);
  const shop = useShopSummary(shopId);
  const cart = useCart();
  const addToCart = useSetCartQuantity();
  const signedIn = useSignedIn();
  const [picker, setPicker] = useState<PickerMode | null>(null);
  const [picked, setPicked] = useState<Spec>({});
  const [quantity, setQuantity] = useState(1);
  const [slide, setSlide] = useState(0);
  const viewed = product.data ? { productId, categoryId: product.data.platformCategoryId } : null;
  useEffect(() => {
    if (viewed) track('product_view', shopId, viewed);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per product shown
  }, [shopId, viewed?.productId]);
  const [viewer, setViewer] = useState<number | null>(null);

  const data = useMemo(
    () => (inStore.data && product.data ? withStoreStock(product.data, inStore.data) : product.data),
    [inStore.data, product.data],
  );
  // Axes with a single value are chosen already.
  const spec: Spec = { ...singleValues(data), ...picked };
  const sku = data ? chosenSku(data, spec) : undefined;
  const images = useMemo(() => {
    if (!data) return [];
    const own = data.images.length ? data.images : data.skus.map((s) => s.imageUrl).filter((u): u is string => !!u);
    return [...new Set(own)];
  }, [data]);

  if (product.isPending) return <Loading />;
  if (product.isError || !data) {
    return (
      <div className="qd-pd">
        <FloatingBack />
        <div style={{ paddingTop: 64 }}>
          <LoadFailed error={product.error} onRetry={() => void product.refetch()} />
        </div>
      </div>
    );
  }

  const stock = sku ? sku.available : data.skus.filter((s) => s.enabled).reduce((n, s) => n + s.available, 0);
  const soldOut = data.skus.every((s) => !buyable(s));
  // The struck-through price: the chosen SKU's, or the highest of all before a choice.
  const original = sku ? (sku.originalPrice ?? 0) : Math.max(0, ...data.skus.map((s) => s.originalPrice ?? 0));
  const missing = data.specAxes.filter((a) => !spec[a.name]).map((a) => a.name);
  const chosenText = sku && data.specAxes.length ? data.specAxes.map((a) => spec[a.name]).join(' / ') : null;
  const count = cartCount(cart.data);

  const open = (mode: PickerMode) => {
    if (mode !== 'select' && !signedIn()) return;
    setPicker(mode);
  };

  const confirm = (mode: PickerMode) => {
    if (!sku) return Toast.show({ content: t('product.choose', { axes: missing.join(' ') }) });
    if (!buyable(sku)) return Toast.show({ content: t('product.soldOut') });
    if (mode === 'select') return setPicker(null);
    if (!signedIn()) return;
    const qty = Math.min(Math.max(1, quantity), sku.available);
    if (mode === 'buy') {
      setPicker(null);
      const here = inStore.data ? { store: inStore.data.store.id, guide: inStore.data.guide?.code } : undefined;
      navigate(checkoutPath([{ shopId, productId, skuId: sku.id, quantity: qty }], false, here));
      return;
    }
    addToCart.mutate(
      { shopId, skuId: sku.id, quantity: qty, add: true },
      {
        onSuccess: () => {
          sendAddToCart(shopId, productId, placementOrigin(search));
          setPicker(null);
          setQuantity(1);
          Toast.show({ icon: 'success', content: t('product.added') });
        },
        onError: toastError,
      },
    );
  };

  return (
    <div className="qd-pd" data-testid="m-product">
      <FloatingBack />
      <div className="qd-pd-gallery">
        {images.length > 0 ? (
          <Swiper indicator={() => null} onIndexChange={setSlide} loop={images.length > 1}>
            {images.map((url, i) => (
              <Swiper.Item key={url}>
                <div className="qd-pd-slide" onClick={() => setViewer(i)}>
                  <Img url={url} size={960} alt={data.title} />
                </div>
              </Swiper.Item>
            ))}
          </Swiper>
        ) : (
          <div className="qd-pd-slide">
            <Img url={null} />
          </div>
        )}
        {images.length > 1 && (
          <span className="qd-pd-counter">
            {slide + 1}/{images.length}
          </span>
        )}
      </div>
      <ImageViewer.Multi
        images={images.map((u) => imageVariant(u, 960) ?? u)}
        visible={viewer !== null}
        defaultIndex={viewer ?? 0}
        onClose={() => setViewer(null)}
      />

      <FlashSaleBanner shopId={shopId} productId={productId} />
      <div className="qd-pd-price">
        <div>
          <Price
            fen={sku ? sku.price : data.priceMin}
            to={sku ? undefined : data.priceMax}
            size="xl"
            testId="pd-price"
          />
          {original > (sku ? sku.price : data.priceMin) && <span className="qd-strike">¥{yuan(original)}</span>}
        </div>
        <span className="qd-pd-sales">{t('product.sold', { n: compactCount(data.salesCount, locale) })}</span>
      </div>
      {inStore.data && <StoreBanner data={inStore.data} />}
      <div className="qd-pd-titlebox">
        <h1 className="qd-pd-title" data-testid="pd-title">
          {data.title}
        </h1>
        {data.subtitle && <div className="qd-pd-subtitle">{data.subtitle}</div>}
      </div>

      <div className="qd-pd-cells">
        <div className="qd-cell" role="button" data-testid="pd-choose" onClick={() => open('select')}>
          <span className="qd-cell-label">{t('product.chosen')}</span>
          <span className="qd-cell-value">
            {chosenText ??
              (data.specAxes.length
                ? t('product.choose', { axes: missing.join(' ') })
                : t('product.qty', { n: quantity }))}
          </span>
          <RightOutline className="qd-cell-arrow" />
        </div>
        <div className="qd-cell">
          <span className="qd-cell-label">{t('product.service')}</span>
          <span className="qd-cell-value qd-pd-service">{t('product.serviceText')}</span>
        </div>
      </div>

      <Link to={`/shops/${shopId}`} className="qd-pd-shop" data-testid="pd-shop">
        {shop.data?.logoUrl ? (
          <img src={shop.data.logoUrl} alt="" className="qd-pd-shop-logo" />
        ) : (
          <span className="qd-pd-shop-logo qd-pd-shop-logo-empty">
            <StoreIcon />
          </span>
        )}
        <span className="qd-pd-shop-name">
          <b>{shop.data?.name ?? t('product.shop')}</b>
          {shop.data && (
            <span className="qd-m-muted">{t('shop.followers', { n: compactCount(shop.data.followers, locale) })}</span>
          )}
        </span>
        <span className="qd-pd-shop-go">{t('product.visitShop')}</span>
      </Link>

      <PlacedProducts
        shopId={shopId}
        placement={placements.data?.items.find((p) => p.placement === RECOMMENDATION)}
        testId="pd-recommendations"
      />

      <div className="qd-pd-detail" data-testid="pd-detail">
        <div className="qd-pd-detail-title">
          <span>{t('product.details')}</span>
        </div>
        {data.detailBlocks.length === 0 && (
          <div className="qd-m-muted qd-pd-detail-empty">{t('product.noDetails')}</div>
        )}
        {data.detailBlocks.map((b, i) =>
          b.type === 'text' ? (
            <p key={i} className="qd-pd-text">
              {b.text}
            </p>
          ) : b.type === 'image' ? (
            <Img key={i} url={b.url} size={960} className="qd-pd-detail-img" />
          ) : (
            <video
              key={i}
              className="qd-pd-video"
              src={b.url}
              poster={b.poster ? (imageVariant(b.poster, 960) ?? b.poster) : undefined}
              controls
              playsInline
              preload="metadata"
              data-testid="pd-video"
            />
          ),
        )}
      </div>

      <div className="qd-bottombar-space" />
      <div className="qd-bottombar qd-pd-bar">
        <Link to={`/shops/${shopId}`} className="qd-pd-bar-icon">
          <StoreIcon />
          <span>{t('product.shopShort')}</span>
        </Link>
        <FavouriteButton shopId={shopId} productId={productId} />
        <Link to="/cart" className="qd-pd-bar-icon" data-testid="pd-cart">
          <Badge
            content={count > 0 ? (count > 99 ? '99+' : count) : null}
            style={{ '--right': '-6px', '--top': '4px' }}
          >
            <ShopbagOutline />
          </Badge>
          <span>{t('tab.cart')}</span>
        </Link>
        <div className="qd-pd-bar-buttons">
          {soldOut ? (
            <button type="button" className="qd-btn-soldout" disabled>
              {t('product.soldOut')}
            </button>
          ) : (
            <>
              <button type="button" className="qd-btn-cart" data-testid="pd-add-cart" onClick={() => open('cart')}>
                {t('product.addToCart')}
              </button>
              <button type="button" className="qd-btn-buy" data-testid="pd-buy" onClick={() => open('buy')}>
                {t('product.buyNow')}
              </button>
            </>
          )}
        </div>
      </div>

      <Popup
        visible={picker !== null}
        onMaskClick={() => setPicker(null)}
        bodyStyle={{ borderTopLeftRadius: 14, borderTopRightRadius: 14, maxHeight: '80vh' }}
      >
        <div className="qd-sku" data-testid="sku-picker">
          <div className="qd-sku-head">
            <Img url={sku?.imageUrl ?? images[0]} size={200} className="qd-sku-thumb" />
            <div className="qd-sku-head-text">
              <Price
                fen={sku ? sku.price : data.priceMin}
                to={sku ? undefined : data.priceMax}
                size="lg"
                testId="sku-price"
              />
              <div className="qd-m-muted" data-testid="sku-stock">
                {t('product.stock', { n: stock })}
              </div>
              <div className="qd-sku-chosen">
                {sku && chosenText
                  ? t('product.chosenValue', { value: chosenText })
                  : data.specAxes.length
                    ? t('product.choose', { axes: missing.join(' ') })
                    : ''}
              </div>
            </div>
            <button
              type="button"
              className="qd-icon-btn qd-sku-close"
              aria-label={t('close')}
              onClick={() => setPicker(null)}
            >
              <CloseOutline />
            </button>
          </div>
          <div className="qd-sku-body">
            {data.specAxes.map((axis) => (
              <div key={axis.name} className="qd-sku-axis">
                <div className="qd-sku-axis-name">{axis.name}</div>
                <div className="qd-sku-values">
                  {axis.values.map((value) => {
                    const on = spec[axis.name] === value;
                    const others = Object.fromEntries(Object.entries(spec).filter(([k]) => k !== axis.name));
                    const enabled = valueAvailable(data, others, axis.name, value);
                    return (
                      <button
                        key={value}
                        type="button"
                        className={`qd-sku-value${on ? ' on' : ''}${enabled ? '' : ' off'}`}
                        aria-pressed={on}
                        aria-disabled={!enabled}
                        data-testid="sku-value"
                        onClick={() => {
                          if (!enabled) return;
                          setPicked((s) => {
                            const next = { ...s };
                            if (on) delete next[axis.name];
                            else next[axis.name] = value;
                            return next;
                          });
                        }}
                      >
                        {value}
                        {!enabled && <span className="qd-sku-value-tag">{t('product.outOfStock')}</span>}
                      </button>
                    );
                  })}
                </div>
              </div>
            ))}
            <div className="qd-sku-qty">
              <span className="qd-sku-axis-name">{t('product.quantity')}</span>
              <Stepper
                min={1}
                max={Math.max(1, Math.min(999, sku ? sku.available : stock))}
                value={quantity}
                onChange={(v) => setQuantity(v)}
                disabled={sku ? !buyable(sku) : soldOut}
                data-testid="sku-quantity"
              />
            </div>
            {sku && quantity > sku.available && sku.available > 0 && (
              <div className="qd-field-error">{t('product.onlyLeft', { n: sku.available })}</div>
            )}
          </div>
          <div className="qd-sku-foot">
            {picker === 'select' ? (
              <div className="qd-pd-bar-buttons" style={{ flex: 1 }}>
                <button type="button" className="qd-btn-cart" onClick={() => confirm('cart')} disabled={soldOut}>
                  {t('product.addToCart')}
                </button>
                <button type="button" className="qd-btn-buy" onClick={() => confirm('buy')} disabled={soldOut}>
                  {t('product.buyNow')}
                </button>
              </div>
            ) : (
              <button
                type="button"
                className={picker === 'buy' ? 'qd-btn-buy qd-btn-block' : 'qd-btn-cart qd-btn-block'}
                data-testid="sku-confirm"
                disabled={addToCart.isPending || soldOut}
                onClick={() => confirm(picker ?? 'select')}
              >
                {picker === 'buy' ? t('product.buyNow') : t('product.addToCart')}
              </button>
            )}
          </div>
        </div>
      </Popup>
    </div>
  );
}

/** 收藏: a heart in the bottom bar; signed-out shoppers are sent to sign in first. */
function FavouriteButton({ shopId, productId }: { shopId: string; productId: string }) {
  const t = useT();
  const state = useFavourite(shopId, productId);
  const setFavourite = useSetFavourite();
  const signedIn = useSignedIn();
  const on = !!state.data?.favourited;
  return (
    <button
      type="button"
      className={`qd-pd-bar-icon qd-fav-btn${on ? ' qd-fav-on' : ''}`}
      aria-pressed={on}
      data-testid="pd-favourite"
      disabled={setFavourite.isPending}
      onClick={() => {
        if (!signedIn()) return;
        setFavourite.mutate(
          { shopId, productId, favourite: !on },
          {
            onSuccess: (next) => {
              if (next.favourited) track('favourite', shopId, { productId });
              Toast.show({ content: t(next.favourited ? 'favourites.added' : 'favourites.removed') });
            },
            onError: toastError,
          },
        );
      }}
    >
      {on ? <HeartFill /> : <HeartOutline />}
      <span>{t(on ? 'favourites.on' : 'favourites.off')}</span>
    </button>
  );
}

function FloatingBack() {
  const goBack = useBack('/');
  const t = useT();
  return (
    <button type="button" className="qd-float-back" aria-label={t('back')} onClick={goBack}>
      <LeftOutline />
    </button>
  );
}
