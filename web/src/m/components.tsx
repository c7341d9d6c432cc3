/** Pieces the storefront's screens share: prices, images, product cards and grids, bars, guards. */
import { Button, DotLoading, ErrorBlock, InfiniteScroll, NavBar, Toast } from 'antd-mobile';
import { useEffect, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router-dom';
import { errorMessage } from '../api/errors';
import { useLocale } from '../i18n/react';
import { useMe } from '../shared/auth';
import { LogoMark } from '../shared/Logo';
import { browseItems, useBrowse, type BrowseQuery, type ProductCard, type ProductPage } from './api';
import { compactCount, imageVariant, yuan } from './format';
import { useT } from './i18n';

export function Loading() {
  return (
    <div style={{ padding: 80, textAlign: 'center', fontSize: 24 }} data-testid="m-loading">
      <DotLoading color="primary" />
    </div>
  );
}

export function LoadFailed({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const t = useT();
  return (
    <div role="alert">
      <ErrorBlock status="default" title={errorMessage(error)} description="">
        <Button color="primary" onClick={onRetry}>
          {t('error.retry')}
        </Button>
      </ErrorBlock>
    </div>
  );
}

/** Shows what the API said went wrong (its localized detail) as a toast. */
export function toastError(error: unknown) {
  Toast.show({ content: errorMessage(error), position: 'center', duration: 3000 });
}

/** ¥ and yuan with the cents smaller, as shops print prices. */
export function Price({
  fen,
  to,
  size = 'md',
  color,
  testId,
}: {
  fen: number;
  /** The top of a range (shown when higher than fen). */
  to?: number;
  size?: 'sm' | 'md' | 'lg' | 'xl';
  color?: string;
  testId?: string;
}) {
  const [whole, cents] = yuan(fen).split('.');
  return (
    <span className={`qd-price qd-price-${size}`} style={color ? { color } : undefined} data-testid={testId}>
      <span className="qd-price-sym">¥</span>
      <span className="qd-price-int">{whole}</span>
      <span className="qd-price-dec">.{cents}</span>
      {to !== undefined && to > fen && <span className="qd-price-dec"> - {yuan(to)}</span>}
    </span>
  );
}

/** A picture with the sized variant first, the original if the variant is missing, a placeholder last. */
export function Img({
  url,
  size = 480,
  alt = '',
  className,
  style,
}: {
  url: string | null | undefined;
  size?: 200 | 480 | 960;
  alt?: string;
  className?: string;
  style?: CSSProperties;
}) {
  const sized = imageVariant(url, size);
  const [failed, setFailed] = useState<string[]>([]);
  const src = [sized, url ?? undefined].find((u) => u && !failed.includes(u));
  if (!src) {
    return (
      <div className={`qd-img-empty ${className ?? ''}`} style={style}>
        <LogoMark size={28} style={{ opacity: 0.25, filter: 'grayscale(1)' }} />
      </div>
    );
  }
  return (
    <img
      src={src}
      alt={alt}
      loading="lazy"
      className={className}
      style={style}
      onError={() => setFailed((f) => [...f, src])}
    />
  );
}

export function ProductCardView({
  product,
  showShop = true,
  linkSearch = '',
}: {
  product: ProductCard;
  showShop?: boolean;
  /** Appended to the product's address (e.g. the placement it was shown in). */
  linkSearch?: string;
}) {
  const t = useT();
  const locale = useLocale();
  return (
    <Link
      to={`/shops/${product.shopId}/products/${product.id}${linkSearch}`}
      className="qd-card-product"
      data-testid="product-card"
      data-product-id={product.id}
    >
      <div className="qd-card-img">
        <Img url={product.image} alt={product.title} />
      </div>
      <div className="qd-card-body">
        <div className="qd-card-title">{product.title}</div>
        <div className="qd-card-meta">
          <Price fen={product.priceMin} size="md" />
          {product.priceMax > product.priceMin && <span className="qd-card-from">{t('price.from')}</span>}
          <span className="qd-card-sales">
            {t('product.soldShort', { n: compactCount(product.salesCount, locale) })}
          </span>
        </div>
        {showShop && product.shopName && <div className="qd-card-shop">{product.shopName}</div>}
      </div>
    </Link>
  );
}

/** A two-column grid of product cards that loads the next page as the reader nears the end. */
export function ProductGrid({
  query,
  shopId = null,
  empty,
  initialPage,
}: {
  query: BrowseQuery;
  shopId?: string | null;
  empty?: ReactNode;
  /** The first page, when the caller has it already (a shop's home carries its best sellers). */
  initialPage?: ProductPage;
}) {
  const t = useT();
  const browse = useBrowse(query, shopId, initialPage);
  if (browse.isPending) return <Loading />;
  if (browse.isError) return <LoadFailed error={browse.error} onRetry={() => void browse.refetch()} />;
  const items = browseItems(browse.data);
  if (items.length === 0) return <>{empty ?? <Empty title={t('search.none')} />}</>;
  return (
    <>
      <div
        className="qd-grid"
        data-testid="product-grid"
        style={browse.isPlaceholderData ? { opacity: 0.6 } : undefined}
      >
        {items.map((p) => (
          <ProductCardView key={`${p.shopId}/${p.id}`} product={p} showShop={!shopId} />
        ))}
      </div>
      <InfiniteScroll
        hasMore={!!browse.hasNextPage}
        loadMore={async () => {
          const next = await browse.fetchNextPage();
          if (next.isError) throw next.error;
        }}
      >
        {(hasMore, failed, retry) =>
          failed ? (
            <span onClick={retry} role="button">
              {t('list.failed')} <a>{t('error.retry')}</a>
            </span>
          ) : hasMore ? (
            <DotLoading />
          ) : (
            <span className="qd-list-end">{t('list.end')}</span>
          )
        }
      </InfiniteScroll>
    </>
  );
}

export function Empty({ title, description, action }: { title: string; description?: string; action?: ReactNode }) {
  return (
    <div className="qd-empty" data-testid="m-empty">
      <LogoMark size={48} style={{ opacity: 0.3, filter: 'grayscale(1)' }} />
      <div className="qd-empty-title">{title}</div>
      {description && <div className="qd-m-muted">{description}</div>}
      {action && <div style={{ marginTop: 16 }}>{action}</div>}
    </div>
  );
}

/** A white bar at the top of a sub-page, with a back arrow (history, or `back` when there is none). */
export function PageBar({ title, right, back = '/' }: { title: ReactNode; right?: ReactNode; back?: string }) {
  const goBack = useBack(back);
  return (
    <div className="qd-pagebar">
      <NavBar onBack={goBack} right={right}>
        {title}
      </NavBar>
    </div>
  );
}

/** Back to the previous page of the app; to `fallback` when this is the first page of the visit. */
export function useBack(fallback = '/') {
  const navigate = useNavigate();
  const location = useLocation();
  return () => {
    if (location.key !== 'default') navigate(-1);
    else navigate(fallback, { replace: true });
  };
}

/** A bar fixed at the bottom of the screen, above the phone's home indicator. */
export function BottomBar({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <>
      <div className="qd-bottombar-space" />
      <div className={`qd-bottombar ${className ?? ''}`}>{children}</div>
    </>
  );
}

/** Screens for a signed-in shopper: a guest goes to sign-in and comes back here afterwards. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <Loading />;
  if (me.isError) return <LoadFailed error={me.error} onRetry={() => void me.refetch()} />;
  if (!me.data) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}

/** Sends a guest to sign in (coming back to this page); true when signed in. */
export function useSignedIn() {
  const me = useMe();
  const navigate = useNavigate();
  const location = useLocation();
  return () => {
    if (me.data) return true;
    navigate(`/login?next=${encodeURIComponent(`${location.pathname}${location.search}`)}`);
    return false;
  };
}

export function AddressText({
  address,
}: {
  address: { province: string; city: string; district: string; detail: string };
}) {
  return (
    <>
      {address.province} {address.city} {address.district} {address.detail}
    </>
  );
}

/**
 * Runs `fn` when the browser shows this page again from its back-forward cache (coming back from
 * the payment page with the back button): whatever was pending then is not pending now.
 */
export function useOnBackForward(fn: () => void) {
  const latest = useRef(fn);
  useEffect(() => {
    latest.current = fn;
  });
  useEffect(() => {
    const onShow = (event: PageTransitionEvent) => {
      if (event.persisted) latest.current();
    };
    window.addEventListener('pageshow', onShow);
    return () => window.removeEventListener('pageshow', onShow);
  }, []);
}
