import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Executor } from '../../kernel/db/pool.js';
import { inShop, withShop } from '../../kernel/db/tenant.js';
import { emit } from '../../kernel/events/outbox.js';
import { conflict, notFound } from '../../kernel/http/errors.js';
import { defineMessages, type Locale } from '../../kernel/http/i18n.js';
import { decodeCursor, pageQuery, toPage } from '../../kernel/http/pagination.js';
import { catalog } from '../catalog/index.js';
import { SHOP_CATEGORIES, shops } from '../shops/index.js';
import { shops as shopsTable } from '../shops/schema.js';
import { type Banner, productFavourites, shopDecorations, shopFollows } from './schema.js';

defineMessages({
  'storefront.link_format': {
    'zh-CN': '链接须以 / 开头的站内地址，或 http(s):// 开头的网址',
    'en-US': 'A link is a path on this site starting with /, or an http(s):// address',
  },
  'storefront.favourites_full': {
    'zh-CN': '收藏夹已满（最多 {limit} 件），请先移除一些再收藏',
    'en-US': 'Your favourites are full ({limit} at most); remove some first',
  },
});

// ------------------------------------------------------------------ decoration

const mediaUrl = z
  .string()
  .trim()
  .max(500)
  .regex(/^(\/media\/|https?:\/\/)\S+$/, 'format.media_url');
const link = z
  .string()
  .trim()
  .max(500)
  .regex(/^(\/(?!\/)\S*|https?:\/\/\S+)$/, 'storefront.link_format');

export const decorationInput = z.object({
  banners: z
    .array(
      z.object({
        imageUrl: mediaUrl,
        title: z.string().trim().max(30).nullable().optional(),
        link: link.nullable().optional(),
      }),
    )
    .max(5)
    .default([]),
  notice: z.string().trim().max(200).nullable().optional(),
});
export type DecorationInput = z.infer<typeof decorationInput>;

async function readDecoration(tx: Executor, shopId: string) {
  const [row] = await tx.select().from(shopDecorations).where(eq(shopDecorations.shopId, shopId));
  return { banners: row?.banners ?? [], notice: row?.notice ?? null, updatedAt: row?.updatedAt.toISOString() ?? null };
}

export async function getDecoration(db: Db, shopId: string) {
  return withShop(db, shopId, (tx) => readDecoration(tx, shopId));
}

/** Replaces the shop's banners and notice. */
export async function saveDecoration(db: Db, shopId: string, actorId: string, input: DecorationInput) {
  const banners: Banner[] = input.banners.map((b) => ({
    imageUrl: b.imageUrl,
    title: b.title || null,
    link: b.link || null,
  }));
  const notice = input.notice || null;
  return withShop(db, shopId, async (tx) => {
    await tx
      .insert(shopDecorations)
      .values({ shopId, banners, notice, updatedBy: actorId })
      .onConflictDoUpdate({
        target: shopDecorations.shopId,
        set: { banners, notice, updatedBy: actorId, updatedAt: sql`now()` },
      });
    await emit(tx, 'shop.decorated', { shopId, actorId, banners: banners.length, notice: notice !== null }, shopId);
    return readDecoration(tx, shopId);
  });
}

// ------------------------------------------------------------------ follows

/** The shop as shoppers may see it: it exists and is open. */
async function openShop(db: Db, shopId: string) {
  const shop = await shops.getShop(db, shopId);
  if (shop.status !== 'active') throw notFound('shop');
  return shop;
}

const followerCount = async (tx: Executor, shopId: string) => {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(shopFollows)
    .where(eq(shopFollows.shopId, shopId));
  return row?.n ?? 0;
};

/**
 * Follows (or unfollows) an open shop; idempotent. A change emits `shop.followed` /
 * `shop.unfollowed` (customer profiles consume them).
 */
export async function setFollow(db: Db, shopId: string, accountId: string, follow: boolean) {
  if (follow) await openShop(db, shopId);
  else await shops.getShop(db, shopId); // unfollowing works whatever the shop's state; 404 if there is none
  return withShop(db, shopId, async (tx) => {
    const changed = follow
      ? await tx
          .insert(shopFollows)
          .values({ shopId, accountId })
          .onConflictDoNothing()
          .returning({ shopId: shopFollows.shopId })
      : await tx
          .delete(shopFollows)
          .where(and(eq(shopFollows.shopId, shopId), eq(shopFollows.accountId, accountId)))
          .returning({ shopId: shopFollows.shopId });
    const followers = await followerCount(tx, shopId);
    if (changed.length)
      await emit(tx, follow ? 'shop.followed' : 'shop.unfollowed', { shopId, accountId, followers }, shopId);
    return { followed: follow, followers };
  });
}

/** The shops an account follows, most recently followed first (the account's view across shops). */
export async function myFollows(db: Db, accountId: string, q: z.infer<typeof pageQuery>) {
  const after = decodeCursor(q.cursor);
  const rows = await db
    .select({
      shopId: shopFollows.shopId,
      followedAt: shopFollows.createdAt,
      name: shopsTable.name,
      logoUrl: shopsTable.logoUrl,
      mainCategory: shopsTable.mainCategory,
      status: shopsTable.status,
    })
    .from(shopFollows)
    .innerJoin(shopsTable, eq(shopsTable.id, shopFollows.shopId))
    .where(
      and(
        eq(shopFollows.accountId, accountId),
        after
          ? sql`(${shopFollows.createdAt}, ${shopFollows.shopId}) < (${String(after[0])}::timestamptz, ${String(after[1])})`
          : undefined,
      ),
    )
    .orderBy(desc(shopFollows.createdAt), desc(shopFollows.shopId))
    .limit(q.limit + 1);
  const page = toPage(rows, q.limit, (r) => [r.followedAt.toISOString(), r.shopId]);
  return {
    items: page.items.map((r) => ({
      shopId: r.shopId,
      name: r.name,
      logoUrl: r.logoUrl,
      mainCategory: r.mainCategory,
      open: r.status === 'active',
      followedAt: r.followedAt.toISOString(),
    })),
    nextCursor: page.nextCursor,
  };
}

// ------------------------------------------------------------------ the shop home

type OpenShop = Awaited<ReturnType<typeof openShop>>;

/** The caller's follow and the follower count, in the shop's scope. */
async function followState(tx: Executor, shopId: string, accountId: string | null) {
  const followers = await followerCount(tx, shopId);
  const followed = accountId
    ? (
        await tx
          .select({ a: shopFollows.accountId })
          .from(shopFollows)
          .where(and(eq(shopFollows.shopId, shopId), eq(shopFollows.accountId, accountId)))
      ).length > 0
    : false;
  return { followers, followed };
}

const shopView = (shop: OpenShop, follow: { followers: number; followed: boolean }, locale: Locale) => ({
  id: shop.id,
  name: shop.name,
  logoUrl: shop.logoUrl,
  mainCategory: shop.mainCategory,
  mainCategoryName: SHOP_CATEGORIES.find((c) => c.code === shop.mainCategory)?.[locale] ?? shop.mainCategory,
  followers: follow.followers,
  followed: follow.followed,
});

/**
 * The shop as other storefront pages show it (a product page's shop row): name, logo, category
 * and followers. Unlike the home it counts no visit and resolves no placements, so no strategy
 * exposure is recorded for a banner the shopper never saw. 404 unless the shop is open.
 */
export async function shopSummary(db: Db, shopId: string, accountId: string | null, locale: Locale) {
  const shop = await openShop(db, shopId);
  return shopView(shop, await withShop(db, shopId, (tx) => followState(tx, shopId, accountId)), locale);
}

/**
 * A shop's storefront home: the shop with its follower count (and whether the caller follows
 * it), its notice and banners, its own categories, and the first page of its best sellers.
 * 404 unless the shop is open.
 */
export async function home(db: Db, shopId: string, accountId: string | null, locale: Locale) {
  const shop = await openShop(db, shopId);
  const scoped = await withShop(db, shopId, async (tx) => {
    const decoration = await readDecoration(tx, shopId);
    const categories = await catalog.listShopCategories(tx, shopId);
    const follow = await followState(tx, shopId, accountId);
    return { decoration, categories, follow };
  });
  const products = await catalog.browse(db, catalog.storefrontQuery.parse({ sort: 'sales', limit: 20 }), shopId);
  return {
    shop: shopView(shop, scoped.follow, locale),
    notice: scoped.decoration.notice,
    banners: scoped.decoration.banners,
    categories: scoped.categories.map((c) => ({ id: c.id, name: c.name })),
    products,
  };
}

// ------------------------------------------------------------------ product favourites (收藏)

/** How many products one account may keep in its favourites, across all shops. */
export const FAVOURITES_PER_ACCOUNT = 500;

const favouriteCount = async (tx: Executor, shopId: string, productId: string) => {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(productFavourites)
    .where(and(eq(productFavourites.shopId, shopId), eq(productFavourites.productId, productId)));
  return row?.n ?? 0;
};

/**
 * Favourites (or unfavourites) a product; idempotent. Favouriting needs the product on sale (on
 * shelf in an open shop; 404 otherwise) and room in the account's favourites (409
 * `storefront.favourites_full`); unfavouriting works whatever the product's state, 404 only if
 * there is no such shop. A change emits `product.favourited` / `product.unfavourited`.
 */
export async function setFavourite(db: Db, shopId: string, productId: string, accountId: string, favourite: boolean) {
  if (favourite) {
    const [onSale] = await catalog.productCards(db, shopId, [productId], { onShelfOnly: true });
    if (!onSale) throw notFound('product');
  } else await shops.getShop(db, shopId);
  return db.transaction(async (tx) => {
    if (favourite) {
      // One favouriting at a time per account, so parallel requests cannot pass the limit together.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`storefront.favourites:${accountId}`}))`);
      // The account's favourites across shops: read as the system role, before entering the shop.
      const [mine] = await tx
        .select({
          n: sql<number>`count(*)::int`,
          has: sql<boolean>`coalesce(bool_or(${productFavourites.shopId} = ${shopId} and ${productFavourites.productId} = ${productId}), false)`,
        })
        .from(productFavourites)
        .where(eq(productFavourites.accountId, accountId));
      if (!mine?.has && (mine?.n ?? 0) >= FAVOURITES_PER_ACCOUNT)
        throw conflict('storefront.favourites_full', { limit: FAVOURITES_PER_ACCOUNT });
    }
    return inShop(tx, shopId, async (stx) => {
      const changed = favourite
        ? await stx
            .insert(productFavourites)
            .values({ shopId, productId, accountId })
            .onConflictDoNothing()
            .returning({ productId: productFavourites.productId })
        : await stx
            .delete(productFavourites)
            .where(
              and(
                eq(productFavourites.shopId, shopId),
                eq(productFavourites.productId, productId),
                eq(productFavourites.accountId, accountId),
              ),
            )
            .returning({ productId: productFavourites.productId });
      const favourites = await favouriteCount(stx, shopId, productId);
      if (changed.length)
        await emit(
          stx,
          favourite ? 'product.favourited' : 'product.unfavourited',
          { shopId, productId, accountId, favourites },
          shopId,
        );
      return { favourited: favourite, favourites };
    });
  });
}

/**
 * Whether the caller has favourited the product (false when anonymous) and how many shoppers
 * have, for the product page. Answers for any ids: the product page itself says whether the
 * product exists.
 */
export async function favouriteState(db: Db, shopId: string, productId: string, accountId: string | null) {
  return withShop(db, shopId, async (tx) => {
    const favourites = await favouriteCount(tx, shopId, productId);
    const favourited = accountId
      ? (
          await tx
            .select({ a: productFavourites.accountId })
            .from(productFavourites)
            .where(
              and(
                eq(productFavourites.shopId, shopId),
                eq(productFavourites.productId, productId),
                eq(productFavourites.accountId, accountId),
              ),
            )
        ).length > 0
      : false;
    return { favourited, favourites };
  });
}

/**
 * The products an account has favourited, latest first (the account's view across shops), each
 * with its shop, title, first image, price range and whether it is still on sale.
 */
export async function myFavourites(db: Db, accountId: string, q: z.infer<typeof pageQuery>) {
  const after = decodeCursor(q.cursor);
  const rows = await db
    .select({
      shopId: productFavourites.shopId,
      productId: productFavourites.productId,
      favouritedAt: productFavourites.createdAt,
    })
    .from(productFavourites)
    .where(
      and(
        eq(productFavourites.accountId, accountId),
        after
          ? sql`(${productFavourites.createdAt}, ${productFavourites.shopId}, ${productFavourites.productId}) < (${String(after[0])}::timestamptz, ${String(after[1])}, ${String(after[2])})`
          : undefined,
      ),
    )
    .orderBy(desc(productFavourites.createdAt), desc(productFavourites.shopId), desc(productFavourites.productId))
    .limit(q.limit + 1);
  const page = toPage(rows, q.limit, (r) => [r.favouritedAt.toISOString(), r.shopId, r.productId]);
  const cards = await catalog.productCardsByRef(db, page.items);
  const byRef = new Map(cards.map((c) => [`${c.shopId}/${c.id}`, c]));
  return {
    // Products are never deleted, but a favourite whose product is gone is left out, not shown empty.
    items: page.items.flatMap((r) => {
      const card = byRef.get(`${r.shopId}/${r.productId}`);
      if (!card) return [];
      return [
        {
          shopId: r.shopId,
          shopName: card.shopName ?? '',
          productId: r.productId,
          title: card.title,
          image: card.image,
          priceMin: card.priceMin,
          priceMax: card.priceMax,
          onSale: card.onSale,
          favouritedAt: r.favouritedAt.toISOString(),
        },
      ];
    }),
    nextCursor: page.nextCursor,
  };
}
