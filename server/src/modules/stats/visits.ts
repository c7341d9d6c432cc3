import { sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../kernel/db/pool.js';
import { newId } from '../../kernel/ids.js';
import { productViews, shopVisits } from './schema.js';

/** The anonymous visitor's id: httpOnly, one year. */
export const VISITOR_COOKIE = 'qd_vid';
const VISITOR_ID = /^vis_[0-9a-z]{20,40}$/;
const YEAR_SECONDS = 365 * 24 * 3600;

/** Today in Asia/Shanghai, computed by the database (the same clock that stamps orders). */
const shanghaiToday = sql`(now() at time zone 'Asia/Shanghai')::date`;

/**
 * Who is looking: the signed-in account, else the `qd_vid` cookie. The cookie is set whenever
 * it is missing (or not one of ours), so a visitor keeps one id for a year.
 */
export function visitorId(request: FastifyRequest, reply: FastifyReply, opts: { secure: boolean }): string {
  const given = request.cookies[VISITOR_COOKIE];
  let id = given && VISITOR_ID.test(given) ? given : undefined;
  if (!id) {
    id = newId('vis');
    reply.setCookie(VISITOR_COOKIE, id, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: opts.secure,
      maxAge: YEAR_SECONDS,
    });
  }
  return request.principal?.accountId ?? id;
}

/**
 * Records one storefront view: the visitor counts once per shop and day; a product view raises
 * that product's counter for the day. One statement, no transaction: it runs on every page view.
 * It runs as the platform (like the storefront's reads), for the shop the caller already resolved.
 */
export async function recordVisit(
  db: Db,
  v: {
    shopId: string;
    visitorId: string;
    productId?: string;
    /** YYYY-MM-DD, for back-filled history; default today */ day?: string;
  },
): Promise<void> {
  const day = v.day ? sql`${v.day}::date` : shanghaiToday;
  if (!v.productId) {
    await db.execute(
      sql`insert into ${shopVisits} (shop_id, day, visitor_id) values (${v.shopId}, ${day}, ${v.visitorId}) on conflict do nothing`,
    );
    return;
  }
  await db.execute(sql`
    with visit as (
      insert into ${shopVisits} (shop_id, day, visitor_id) values (${v.shopId}, ${day}, ${v.visitorId}) on conflict do nothing
    )
    insert into ${productViews} (shop_id, day, product_id, views) values (${v.shopId}, ${day}, ${v.productId}, 1)
    on conflict (shop_id, day, product_id) do update set views = ${productViews}.views + 1`);
}

/**
 * For storefront routes: identifies the visitor (setting the cookie if needed) and records the
 * view. A failure to count never fails the page; it is logged.
 */
export async function trackVisit(
  db: Db,
  request: FastifyRequest,
  reply: FastifyReply,
  v: { shopId: string; productId?: string; secureCookie: boolean },
): Promise<void> {
  const id = visitorId(request, reply, { secure: v.secureCookie });
  try {
    await recordVisit(db, { shopId: v.shopId, visitorId: id, productId: v.productId });
  } catch (err) {
    request.log.warn({ err, shopId: v.shopId }, 'could not record a storefront visit');
  }
}
