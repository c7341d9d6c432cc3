/** Personalised placements (策略中心) on storefront pages: rendering, and clicks sent to the beacon. */
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../api/client';
import type { ResponseOf } from '../api/types';
import type { ProductCard } from './api';
import { ProductCardView } from './components';

export type ResolvedPlacement = ResponseOf<'/api/storefront/shops/{shopId}/home', 'get'>['placements'][number];
type Banner = Extract<NonNullable<ResolvedPlacement['content']>, { kind: 'banner' }>;
type Products = Extract<NonNullable<ResolvedPlacement['content']>, { kind: 'products' }>;

export const HERO_BANNER = 'shop_home.hero_banner';
export const PRODUCT_MODULE = 'shop_home.product_module';
export const RECOMMENDATION = 'product_detail.recommendation';

/** The placement's banner, unless the shopper is in the holdout (then the page shows its own). */
export function placedBanner(
  placements: ResolvedPlacement[] | undefined,
): (Banner & { placement: ResolvedPlacement }) | null {
  const p = placements?.find((x) => x.placement === HERO_BANNER && x.content?.kind === 'banner');
  return p ? { ...(p.content as Banner), placement: p } : null;
}

type BeaconEvent = { type: 'placement_click' | 'add_to_cart'; shopId: string; props: Record<string, string> };

/** Best effort: a click or a cart must never wait for or fail on the beacon. */
function beacon(event: BeaconEvent) {
  const id = `${event.type === 'add_to_cart' ? 'ac' : 'pc'}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 10)}`;
  void api.POST('/api/beacon', { body: { events: [{ id, ...event }] } }).catch(() => undefined);
}

/** Tells the customer center (and through it the strategy's report) that a placement was clicked. */
export function sendPlacementClick(shopId: string, p: ResolvedPlacement, productId?: string) {
  beacon({
    type: 'placement_click',
    shopId,
    props: { strategyId: p.strategyId, variantId: p.variantId, ...(productId ? { productId } : {}) },
  });
}

/** The placement a product page was reached from: carried in its address as `?from=<strategy>.<variant>`. */
export interface PlacementOrigin {
  strategyId: string;
  variantId: string;
}
const FROM = /^(stg_[0-9a-z]{10,40})\.([a-z0-9_-]{1,32})$/;

/** `?from=…` for a link out of a placement. */
export const fromPlacement = (p: ResolvedPlacement) => `?from=${p.strategyId}.${p.variantId}`;

/** A placement's link, marked with where it came from when it opens a product page of this site. */
export function linkFromPlacement(link: string, p: ResolvedPlacement) {
  if (!/^\/m\/shops\/[^/?#]+\/products\/[^/?#]+$/.test(link)) return link;
  return `${link}${fromPlacement(p)}`;
}

export function placementOrigin(search: URLSearchParams): PlacementOrigin | null {
  const m = FROM.exec(search.get('from') ?? '');
  return m ? { strategyId: m[1]!, variantId: m[2]! } : null;
}

/**
 * An add-to-cart for the customer center; from a placement it names the strategy and variant,
 * so the strategy's report counts it (for the arm the server recorded when it showed the page).
 */
export function sendAddToCart(shopId: string, productId: string, origin: PlacementOrigin | null) {
  beacon({ type: 'add_to_cart', shopId, props: { productId, ...(origin ?? {}) } });
}

/** A titled row of hand-picked products (shop home module, product detail recommendations). */
export function PlacedProducts({
  shopId,
  placement,
  testId,
}: {
  shopId: string;
  placement: ResolvedPlacement | undefined;
  testId: string;
}) {
  if (!placement || placement.content?.kind !== 'products') return null;
  const content = placement.content as Products;
  return (
    <section className="qd-placed-products" data-testid={testId} data-variant={placement.variantId}>
      <div className="qd-section-title">{content.title}</div>
      <div
        className="qd-grid"
        onClickCapture={(e) => {
          const id = (e.target as HTMLElement).closest('[data-product-id]')?.getAttribute('data-product-id');
          if (id) sendPlacementClick(shopId, placement, id);
        }}
      >
        {content.products.map((p) => (
          <ProductCardView
            key={p.id}
            product={p as ProductCard}
            showShop={false}
            linkSearch={fromPlacement(placement)}
          />
        ))}
      </div>
    </section>
  );
}

/** The product page's placements, asked for alongside the product itself. */
export function useProductPlacements(shopId: string, productId: string) {
  return useQuery({
    queryKey: ['m', 'product-placements', shopId, productId],
    queryFn: () =>
      call(
        api.GET('/api/storefront/shops/{shopId}/products/{productId}/placements', {
          params: { path: { shopId, productId } },
        }),
      ),
    enabled: !!shopId && !!productId,
  });
}
