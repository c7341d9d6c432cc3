import { z } from 'zod';
import type { Db } from '../../kernel/db/pool.js';
import type { FieldError } from '../../kernel/http/errors.js';
import { catalog } from '../catalog/index.js';

/** A storefront page that has placements. Feed and chat add theirs (`feed`, `chat.window`, …). */
export type PageKey = string;

/** What a page passes along when it asks for its placements (e.g. the product being viewed). */
export interface PageContext {
  productId?: string;
}

/**
 * A place on a storefront page whose content a strategy may choose per shopper.
 *
 * Modules register their placement types with `registerPlacementType` when they load (the
 * strategy module registers the three below). A type says which content a variant holds, how
 * to check it against the shop's data, and how to turn it into what the page shows.
 */
export interface PlacementType<C = unknown, V = unknown> {
  /** Stable key, `<page>.<slot>`, stored on strategies. */
  key: string;
  /** The page that shows it. */
  page: PageKey;
  /** Names for the workbench. */
  label: { 'zh-CN': string; 'en-US': string };
  /** The shape of a variant's content (the edge check; also documents the API). */
  content: z.ZodType<C>;
  /**
   * Checks content against the shop's data (products exist and belong to the shop, …).
   * Returns field errors with paths relative to the content (e.g. `productIds.2`).
   */
  validateContent(db: Db, shopId: string, content: C): Promise<FieldError[]>;
  /**
   * Turns the contents chosen for one page view into what the page shows, in one go (so a page
   * with several placements costs one query per type, not per placement). A content whose
   * data has gone (every product off shelf) renders as null: the page shows its default.
   */
  render(db: Db, shopId: string, contents: C[], context: PageContext): Promise<(V | null)[]>;
  /** The shape of a rendered content, for the OpenAPI document. */
  view: z.ZodType<V>;
}

/** A registered type, its content and view types erased (content was checked by its own schema). */
export type AnyPlacementType = PlacementType<unknown, unknown>;
const registry = new Map<string, AnyPlacementType>();

export function registerPlacementType<C, V>(type: PlacementType<C, V>): void {
  registry.set(type.key, type as unknown as AnyPlacementType);
}
export function placementType(key: string): AnyPlacementType | undefined {
  return registry.get(key);
}
export function placementTypes(): AnyPlacementType[] {
  return [...registry.values()];
}
export function placementsOfPage(page: PageKey): AnyPlacementType[] {
  return placementTypes().filter((t) => t.page === page);
}

// ---------------------------------------------------------------- built-in types

const mediaUrl = z
  .string()
  .trim()
  .min(1)
  .max(500)
  .regex(/^(\/media\/|https?:\/\/)\S+$/, 'format.media_url');
const link = z
  .string()
  .trim()
  .max(500)
  .regex(/^(\/(?!\/)\S*|https?:\/\/\S+)$/, 'storefront.link_format');

const heroBannerContent = z.object({
  imageUrl: mediaUrl,
  title: z.string().trim().max(30).nullable().default(null),
  link: link.nullable().default(null),
});
const heroBannerView = z.object({
  kind: z.literal('banner'),
  imageUrl: z.string(),
  title: z.string().nullable(),
  link: z.string().nullable(),
});

export const HERO_BANNER = 'shop_home.hero_banner';
export const PRODUCT_MODULE = 'shop_home.product_module';
export const RECOMMENDATION = 'product_detail.recommendation';

registerPlacementType({
  key: HERO_BANNER,
  page: 'shop_home',
  label: { 'zh-CN': '店铺首页 · 头图横幅', 'en-US': 'Shop home · hero banner' },
  content: heroBannerContent,
  validateContent: async () => [],
  render: async (_db, _shopId, contents) =>
    contents.map((c) => ({ kind: 'banner' as const, imageUrl: c.imageUrl, title: c.title, link: c.link })),
  view: heroBannerView,
});

const productListContent = z.object({
  title: z.string().trim().min(1).max(30),
  productIds: z.array(z.string().min(1).max(64)).min(1).max(20),
});
type ProductListContent = z.infer<typeof productListContent>;
const productCardView = z.object({
  id: z.string(),
  shopId: z.string(),
  shopName: z.string().nullable(),
  title: z.string(),
  subtitle: z.string().nullable(),
  image: z.string().nullable(),
  priceMin: z.number().int(),
  priceMax: z.number().int(),
  salesCount: z.number().int(),
});
const productListView = z.object({
  kind: z.literal('products'),
  title: z.string(),
  products: z.array(productCardView),
});

async function validateProducts(db: Db, shopId: string, content: ProductListContent): Promise<FieldError[]> {
  const found = await catalog.productCards(db, shopId, content.productIds, { onShelfOnly: false });
  const known = new Set(found.map((p) => p.id));
  return content.productIds.flatMap((id, i) =>
    known.has(id) ? [] : [{ field: `productIds.${i}`, code: 'unknown_product', message: 'strategy.unknown_product' }],
  );
}

/** One query for every product list on the page; products off shelf drop out, order kept. */
async function renderProducts(db: Db, shopId: string, contents: ProductListContent[], context: PageContext) {
  const ids = [...new Set(contents.flatMap((c) => c.productIds))];
  const cards = new Map((await catalog.productCards(db, shopId, ids, { onShelfOnly: true })).map((p) => [p.id, p]));
  return contents.map((c) => {
    const products = c.productIds
      .filter((id) => id !== context.productId)
      .flatMap((id) => {
        const card = cards.get(id);
        return card ? [card] : [];
      });
    return products.length ? { kind: 'products' as const, title: c.title, products } : null;
  });
}

registerPlacementType({
  key: PRODUCT_MODULE,
  page: 'shop_home',
  label: { 'zh-CN': '店铺首页 · 商品模块', 'en-US': 'Shop home · product module' },
  content: productListContent,
  validateContent: validateProducts,
  render: renderProducts,
  view: productListView,
});

registerPlacementType({
  key: RECOMMENDATION,
  page: 'product_detail',
  label: { 'zh-CN': '商品详情 · 推荐位', 'en-US': 'Product detail · recommendations' },
  content: productListContent,
  validateContent: validateProducts,
  render: renderProducts,
  view: productListView,
});
