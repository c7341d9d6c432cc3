import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Executor, Tx } from '../../kernel/db/pool.js';
import { withShop } from '../../kernel/db/tenant.js';
import { AppError, notFound } from '../../kernel/http/errors.js';
import { defineMessages } from '../../kernel/http/i18n.js';
import { newId, newToken } from '../../kernel/ids.js';
import { inventory } from '../inventory/index.js';
import { SIGN_METHODS } from './protocol.js';
import { qimenAppKeys, qimenPartnerLocations, qimenPartners } from './schema.js';

defineMessages({
  'qimen.app_key_taken': {
    'zh-CN': 'AppKey「{appKey}」已被使用，请换一个',
    'en-US': 'The app key “{appKey}” is already in use; choose another',
  },
  'qimen.location_taken': {
    'zh-CN': '仓库「{code}」已由另一个奇门伙伴管理',
    'en-US': 'Warehouse “{code}” is already run by another Qimen partner',
  },
  'qimen.unknown_location': { 'zh-CN': '仓库不存在', 'en-US': 'No such warehouse' },
  'format.qimen_app_key': {
    'zh-CN': 'AppKey 为 3 到 64 位字母、数字、点、下划线或短横线',
    'en-US': 'App keys have 3 to 64 letters, digits, dots, underscores or dashes',
  },
  'format.endpoint_url': {
    'zh-CN': '请填写 http:// 或 https:// 开头的地址',
    'en-US': 'Enter an address starting with http:// or https://',
  },
});

export type PartnerRow = typeof qimenPartners.$inferSelect;

const appKey = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.-]{3,64}$/, 'format.qimen_app_key');
const endpointUrl = z
  .string()
  .trim()
  .max(500)
  .regex(/^https?:\/\/[^\s]+$/, 'format.endpoint_url');

/** A partner's router calls a minute unless set: 100 a second, far above what a WMS sends. */
export const DEFAULT_CALLS_PER_MINUTE = 6000;

export const partnerInput = z.object({
  name: z.string().trim().min(1).max(60),
  /** Left out: one is generated. */
  appKey: appKey.optional(),
  customerId: z.string().trim().min(1).max(64),
  signMethod: z.enum(SIGN_METHODS).default('md5'),
  secretAtEndOnly: z.boolean().default(false),
  endpointUrl: endpointUrl.nullable().default(null),
  active: z.boolean().default(true),
  /** Router calls a minute allowed to this partner's app key; beyond it the router answers code 7. */
  callsPerMinute: z.number().int().min(1).max(10_000_000).default(DEFAULT_CALLS_PER_MINUTE),
  /** The warehouses this partner runs (locations of the shop). */
  locationIds: z.array(z.string().min(1).max(64)).max(50).default([]),
});
export type PartnerInput = z.input<typeof partnerInput>;
export const partnerUpdate = partnerInput.omit({ appKey: true });

export const partnerView = z.object({
  id: z.string(),
  name: z.string(),
  appKey: z.string(),
  customerId: z.string(),
  signMethod: z.enum(SIGN_METHODS),
  secretAtEndOnly: z.boolean(),
  endpointUrl: z.string().nullable(),
  active: z.boolean(),
  callsPerMinute: z.number().int(),
  locationIds: z.array(z.string()),
  /** The secret's last four characters, to tell secrets apart; the secret itself is shown only once. */
  secretHint: z.string(),
  secretRotatedAt: z.string(),
  createdAt: z.string(),
});
export type PartnerView = z.infer<typeof partnerView>;

const toView = (p: PartnerRow, locationIds: string[]): PartnerView => ({
  id: p.id,
  name: p.name,
  appKey: p.appKey,
  customerId: p.customerId,
  signMethod: p.signMethod,
  secretAtEndOnly: p.secretAtEndOnly,
  endpointUrl: p.endpointUrl,
  active: p.active,
  callsPerMinute: p.callsPerMinute,
  locationIds,
  secretHint: `…${p.secret.slice(-4)}`,
  secretRotatedAt: p.secretRotatedAt.toISOString(),
  createdAt: p.createdAt.toISOString(),
});

const isUniqueViolation = (e: unknown, constraint?: string) => {
  const err = (e as { cause?: unknown }).cause ?? e;
  const pg = err as { code?: string; constraint?: string };
  return pg.code === '23505' && (!constraint || pg.constraint === constraint);
};

async function linkLocations(tx: Tx, shopId: string, partnerId: string, locationIds: string[]) {
  const all = await inventory.listLocations(tx, shopId);
  const wanted = [...new Set(locationIds)];
  for (const [i, id] of wanted.entries()) {
    if (!all.some((l) => l.id === id)) {
      throw new AppError(400, 'validation_failed', {}, [
        { field: `body.locationIds.${i}`, code: 'unknown_location', message: 'qimen.unknown_location' },
      ]);
    }
  }
  const taken = wanted.length
    ? await tx
        .select()
        .from(qimenPartnerLocations)
        .where(
          and(
            eq(qimenPartnerLocations.shopId, shopId),
            inArray(qimenPartnerLocations.locationId, wanted),
            sql`${qimenPartnerLocations.partnerId} <> ${partnerId}`,
          ),
        )
    : [];
  if (taken.length) {
    const code = all.find((l) => l.id === taken[0]!.locationId)?.code ?? taken[0]!.locationId;
    throw new AppError(409, 'qimen.location_taken', { code });
  }
  await tx
    .delete(qimenPartnerLocations)
    .where(and(eq(qimenPartnerLocations.shopId, shopId), eq(qimenPartnerLocations.partnerId, partnerId)));
  if (wanted.length) {
    await tx.insert(qimenPartnerLocations).values(wanted.map((locationId) => ({ shopId, partnerId, locationId })));
  }
}

async function locationIdsOf(tx: Executor, shopId: string, partnerIds: string[]) {
  if (!partnerIds.length) return new Map<string, string[]>();
  const rows = await tx
    .select()
    .from(qimenPartnerLocations)
    .where(and(eq(qimenPartnerLocations.shopId, shopId), inArray(qimenPartnerLocations.partnerId, partnerIds)));
  const map = new Map<string, string[]>(partnerIds.map((id) => [id, []]));
  for (const r of rows) map.get(r.partnerId)!.push(r.locationId);
  return map;
}

export const newSecret = () => newToken(24);

/** Adds a partner; the secret is returned here (and on rotation) only. `secret` is for the demo seed. */
export async function createPartner(
  db: Db,
  shopId: string,
  raw: PartnerInput,
  opts: { secret?: string } = {},
): Promise<{ partner: PartnerView; secret: string }> {
  const input = partnerInput.parse(raw);
  const id = newId('qmp');
  const key =
    input.appKey ??
    `qm${newToken(12)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')}`;
  const secret = opts.secret ?? newSecret();
  try {
    return await withShop(db, shopId, async (tx) => {
      await tx.insert(qimenAppKeys).values({ appKey: key, shopId, partnerId: id });
      const [row] = await tx
        .insert(qimenPartners)
        .values({
          shopId,
          id,
          name: input.name,
          appKey: key,
          secret,
          customerId: input.customerId,
          signMethod: input.signMethod,
          secretAtEndOnly: input.secretAtEndOnly,
          endpointUrl: input.endpointUrl,
          active: input.active,
          callsPerMinute: input.callsPerMinute,
        })
        .returning();
      await linkLocations(tx, shopId, id, input.locationIds);
      return { partner: toView(row!, [...new Set(input.locationIds)]), secret };
    });
  } catch (e) {
    if (isUniqueViolation(e, 'qimen_app_keys_pkey')) {
      throw new AppError(409, 'qimen.app_key_taken', { appKey: key }, [
        { field: 'body.appKey', code: 'taken', message: 'qimen.app_key_taken', params: { appKey: key } },
      ]);
    }
    throw e;
  }
}

async function loadPartner(tx: Executor, shopId: string, id: string): Promise<PartnerRow> {
  const [row] = await tx
    .select()
    .from(qimenPartners)
    .where(and(eq(qimenPartners.shopId, shopId), eq(qimenPartners.id, id)));
  if (!row) throw notFound('partner');
  return row;
}

export async function updatePartner(db: Db, shopId: string, id: string, raw: z.input<typeof partnerUpdate>) {
  const input = partnerUpdate.parse(raw);
  return withShop(db, shopId, async (tx) => {
    await loadPartner(tx, shopId, id);
    const [row] = await tx
      .update(qimenPartners)
      .set({
        name: input.name,
        customerId: input.customerId,
        signMethod: input.signMethod,
        secretAtEndOnly: input.secretAtEndOnly,
        endpointUrl: input.endpointUrl,
        active: input.active,
        callsPerMinute: input.callsPerMinute,
        updatedAt: sql`now()`,
      })
      .where(and(eq(qimenPartners.shopId, shopId), eq(qimenPartners.id, id)))
      .returning();
    await linkLocations(tx, shopId, id, input.locationIds);
    return toView(row!, [...new Set(input.locationIds)]);
  });
}

/** A new secret for the partner; the old one stops working at once. */
export async function rotateSecret(
  db: Db,
  shopId: string,
  id: string,
): Promise<{ partner: PartnerView; secret: string }> {
  const secret = newSecret();
  return withShop(db, shopId, async (tx) => {
    await loadPartner(tx, shopId, id);
    const [row] = await tx
      .update(qimenPartners)
      .set({ secret, secretRotatedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(qimenPartners.shopId, shopId), eq(qimenPartners.id, id)))
      .returning();
    const ids = await locationIdsOf(tx, shopId, [id]);
    return { partner: toView(row!, ids.get(id) ?? []), secret };
  });
}

export async function listPartners(db: Db, shopId: string): Promise<PartnerView[]> {
  return withShop(db, shopId, async (tx) => {
    const rows = await tx
      .select()
      .from(qimenPartners)
      .where(eq(qimenPartners.shopId, shopId))
      .orderBy(qimenPartners.createdAt, qimenPartners.id);
    const ids = await locationIdsOf(
      tx,
      shopId,
      rows.map((r) => r.id),
    );
    return rows.map((r) => toView(r, ids.get(r.id) ?? []));
  });
}

export async function getPartner(db: Db, shopId: string, id: string): Promise<PartnerView> {
  return withShop(db, shopId, async (tx) => {
    const row = await loadPartner(tx, shopId, id);
    const ids = await locationIdsOf(tx, shopId, [id]);
    return toView(row, ids.get(id) ?? []);
  });
}

/** The partner an app key belongs to, with its secret: system work, before the shop is known. */
export async function partnerByAppKey(db: Db, key: string): Promise<PartnerRow | null> {
  const [row] = await db
    .select({ p: qimenPartners })
    .from(qimenAppKeys)
    .innerJoin(
      qimenPartners,
      and(eq(qimenPartners.shopId, qimenAppKeys.shopId), eq(qimenPartners.id, qimenAppKeys.partnerId)),
    )
    .where(eq(qimenAppKeys.appKey, key));
  return row?.p ?? null;
}

/** The partner that runs a location (null: none). */
export async function partnerForLocation(tx: Executor, shopId: string, locationId: string): Promise<PartnerRow | null> {
  const [row] = await tx
    .select({ p: qimenPartners })
    .from(qimenPartnerLocations)
    .innerJoin(
      qimenPartners,
      and(
        eq(qimenPartners.shopId, qimenPartnerLocations.shopId),
        eq(qimenPartners.id, qimenPartnerLocations.partnerId),
      ),
    )
    .where(and(eq(qimenPartnerLocations.shopId, shopId), eq(qimenPartnerLocations.locationId, locationId)));
  return row?.p ?? null;
}

/** Locations a partner runs. */
export async function partnerLocationIds(tx: Executor, shopId: string, partnerId: string): Promise<string[]> {
  return (await locationIdsOf(tx, shopId, [partnerId])).get(partnerId) ?? [];
}

export { loadPartner };
