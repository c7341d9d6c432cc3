import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Executor, Tx } from '../../kernel/db/pool.js';
import { withShop } from '../../kernel/db/tenant.js';
import { AppError, badRequest, conflict, notFound, type FieldError } from '../../kernel/http/errors.js';
import { defineMessages, type Locale } from '../../kernel/http/i18n.js';
import { newId } from '../../kernel/ids.js';
import { bitmapOf, emptyBitmap } from './bitmaps.js';
import { evaluate, ruleSchema, tagsOf, validateRule, type KnownTags, type Rule } from './rules.js';
import { customerSegments, customers, customerTagBitmaps, customerTags } from './schema.js';
import { deleteTagBitmaps, loadTagBitmaps, saveTagBitmap, tagKey } from './store.js';
import { SYSTEM_TAGS } from './system-tags.js';

/** The value of single-valued tags (rule, manual, imported): the customer has it or not. */
export const YES = 'yes';
export const MAX_IMPORT_LINES = 100_000;

defineMessages({
  'customers.tag_in_use': {
    'zh-CN': '该标签正被人群「{segments}」使用，请先修改这些人群',
    'en-US': 'The tag is used by the segments "{segments}"; change them first',
  },
  'customers.tag_not_manual': {
    'zh-CN': '只有手动标签和导入标签可以手动增删客户',
    'en-US': 'Only manual and imported tags take customers by hand',
  },
  'customers.import_failed': {
    'zh-CN': 'CSV 有 {count} 行错误，未导入任何客户',
    'en-US': 'The CSV has {count} bad lines; nothing was imported',
  },
  'customers.unknown_customer': { 'zh-CN': '本店没有这个客户', 'en-US': 'No such customer in this shop' },
  'customers.csv_empty_line': { 'zh-CN': '空行', 'en-US': 'Empty line' },
  'customers.csv_bad_id': {
    'zh-CN': '“{value}”不是客户编号或买家账号 ID',
    'en-US': '"{value}" is neither a customer number nor a shopper account id',
  },
  'customers.csv_unknown': {
    'zh-CN': '“{value}”不是本店客户',
    'en-US': '"{value}" is not a customer of this shop',
  },
});

export const tagInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('rule'), name: z.string().trim().min(1).max(40), rule: ruleSchema }),
  z.object({ kind: z.literal('manual'), name: z.string().trim().min(1).max(40) }),
]);
export const membersInput = z.object({
  add: z.array(z.number().int().min(1)).max(10_000).default([]),
  remove: z.array(z.number().int().min(1)).max(10_000).default([]),
});
export const importInput = z.object({
  csv: z
    .string()
    .max(5_000_000)
    .describe('one shopper per line: a customer number or a shopper account id (acc_…); a header line is allowed'),
  partial: z.boolean().default(false).describe('import the good lines even if some are bad (default: all or nothing)'),
});

export interface TagValueView {
  value: string;
  label: string;
  members: number;
}
export interface TagView {
  id: string;
  name: string;
  kind: 'system' | 'rule' | 'manual' | 'import';
  rule: Rule | null;
  values: TagValueView[];
}

/** Tag ids with the values that exist, for rule validation. */
export async function knownTags(ex: Executor, shopId: string): Promise<KnownTags> {
  const known: KnownTags = new Map();
  for (const [id, def] of Object.entries(SYSTEM_TAGS)) known.set(id, new Set(Object.keys(def.values ?? {})));
  const own = await ex.select({ id: customerTags.id }).from(customerTags).where(eq(customerTags.shopId, shopId));
  for (const t of own) known.set(t.id, new Set([YES]));
  const values = await ex
    .select({ tagId: customerTagBitmaps.tagId, value: customerTagBitmaps.value })
    .from(customerTagBitmaps)
    .where(eq(customerTagBitmaps.shopId, shopId));
  for (const v of values) known.get(v.tagId)?.add(v.value);
  return known;
}

/** All tags of a shop (system first) with their values and member counts. */
export async function listTags(db: Db, shopId: string, locale: Locale): Promise<TagView[]> {
  return withShop(db, shopId, async (tx) => {
    const own = await tx
      .select()
      .from(customerTags)
      .where(eq(customerTags.shopId, shopId))
      .orderBy(customerTags.createdAt);
    const counts = await tx
      .select({ tagId: customerTagBitmaps.tagId, value: customerTagBitmaps.value, members: customerTagBitmaps.members })
      .from(customerTagBitmaps)
      .where(eq(customerTagBitmaps.shopId, shopId));
    const countOf = new Map(counts.map((c) => [tagKey(c.tagId, c.value), c.members]));
    const valuesOf = (tagId: string) => counts.filter((c) => c.tagId === tagId).map((c) => c.value);
    const system: TagView[] = Object.entries(SYSTEM_TAGS).map(([id, def]) => {
      const values = def.values ? Object.keys(def.values) : valuesOf(id).sort();
      return {
        id,
        name: def.name[locale],
        kind: 'system',
        rule: null,
        values: values
          .map((v) => ({ value: v, label: def.values?.[v]?.[locale] ?? v, members: countOf.get(tagKey(id, v)) ?? 0 }))
          .sort((a, b) => (def.values ? 0 : b.members - a.members)),
      };
    });
    const mine: TagView[] = own.map((t) => ({
      id: t.id,
      name: t.name,
      kind: t.kind,
      rule: (t.rule as Rule | null) ?? null,
      values: [{ value: YES, label: YES, members: countOf.get(tagKey(t.id, YES)) ?? 0 }],
    }));
    return [...system, ...mine];
  });
}

async function loadTag(tx: Executor, shopId: string, tagId: string) {
  const [t] = await tx
    .select()
    .from(customerTags)
    .where(and(eq(customerTags.shopId, shopId), eq(customerTags.id, tagId)));
  if (!t) throw notFound('tag');
  return t;
}

/** All unmerged customers of a shop, as a bitmap (from the maintained `sys.all` tag). */
async function universeOf(tx: Executor, shopId: string) {
  return (await loadTagBitmaps(tx, shopId, ['sys.all'])).get(tagKey('sys.all', 'all')) ?? emptyBitmap();
}

/** Creates a rule tag (computed now and kept fresh) or an empty manual tag. */
export async function createTag(db: Db, shopId: string, actorId: string, input: z.infer<typeof tagInput>) {
  return withShop(db, shopId, async (tx) => {
    await lockShopTags(tx, shopId);
    const id = newId('ctag');
    if (input.kind === 'rule') validateRule(input.rule, await knownTags(tx, shopId));
    await tx.insert(customerTags).values({
      shopId,
      id,
      name: input.name,
      kind: input.kind,
      rule: input.kind === 'rule' ? input.rule : null,
      createdBy: actorId,
    });
    const bitmap =
      input.kind === 'rule'
        ? await evaluate(input.rule, {
            db: tx,
            shopId,
            universe: await universeOf(tx, shopId),
            tags: await loadTagBitmaps(tx, shopId),
            now: new Date(),
          })
        : emptyBitmap();
    await saveTagBitmap(tx, shopId, id, YES, bitmap);
    return { id, name: input.name, kind: input.kind, members: bitmap.size };
  });
}

export async function deleteTag(db: Db, shopId: string, tagId: string) {
  await withShop(db, shopId, async (tx) => {
    await lockShopTags(tx, shopId);
    await loadTag(tx, shopId, tagId);
    const users = await usersOfTag(tx, shopId, tagId);
    if (users.length) throw conflict('customers.tag_in_use', { segments: users.join('」「') });
    await tx.delete(customerTags).where(and(eq(customerTags.shopId, shopId), eq(customerTags.id, tagId)));
    await deleteTagBitmaps(tx, shopId, tagId);
  });
}

/** Names of the segments and rule tags whose rules mention a tag. */
async function usersOfTag(tx: Executor, shopId: string, tagId: string): Promise<string[]> {
  const segs = await tx
    .select({ name: customerSegments.name, definition: customerSegments.definition })
    .from(customerSegments)
    .where(and(eq(customerSegments.shopId, shopId), eq(customerSegments.kind, 'rule')));
  const tags = await tx
    .select({ name: customerTags.name, rule: customerTags.rule })
    .from(customerTags)
    .where(and(eq(customerTags.shopId, shopId), eq(customerTags.kind, 'rule')));
  return [
    ...segs.filter((s) => tagsOf(s.definition.rule as Rule).has(tagId)).map((s) => s.name),
    ...tags.filter((t) => t.rule && tagsOf(t.rule as Rule).has(tagId)).map((t) => t.name),
  ];
}

/** Serialises writers of one shop's tag bitmaps (manual edits, imports, refreshes). */
export const lockShopTags = (tx: Tx, shopId: string) =>
  tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`customers.tags:${shopId}`}))`);

async function existingCustomers(tx: Executor, shopId: string, nos: number[]): Promise<Set<number>> {
  if (nos.length === 0) return new Set();
  const rows = await tx
    .select({ n: customers.customerNo })
    .from(customers)
    .where(and(eq(customers.shopId, shopId), inArray(customers.customerNo, nos), sql`${customers.mergedInto} is null`));
  return new Set(rows.map((r) => r.n));
}

/** Adds and removes customers of a manual (or imported) tag; unknown numbers are refused. */
export async function editMembers(db: Db, shopId: string, tagId: string, input: z.infer<typeof membersInput>) {
  return withShop(db, shopId, async (tx) => {
    await lockShopTags(tx, shopId);
    const tag = await loadTag(tx, shopId, tagId);
    if (tag.kind === 'rule') throw new AppError(409, 'customers.tag_not_manual');
    const known = await existingCustomers(tx, shopId, input.add);
    const fields: FieldError[] = input.add
      .map((n, i) =>
        known.has(n)
          ? null
          : { field: `body.add.${i}`, code: 'unknown_customer', message: 'customers.unknown_customer' },
      )
      .filter((f): f is FieldError => f !== null);
    if (fields.length) throw badRequest('validation_failed', fields);
    const bitmap = (await loadTagBitmaps(tx, shopId, [tagId])).get(tagKey(tagId, YES)) ?? emptyBitmap();
    bitmap.addMany(input.add);
    bitmap.removeMany(input.remove);
    await saveTagBitmap(tx, shopId, tagId, YES, bitmap);
    return { id: tagId, members: bitmap.size };
  });
}

export interface ImportLineError {
  line: number;
  value: string;
  code: string;
  message: string;
}

/**
 * Imports shoppers into a tag from CSV: one customer number or shopper account id per line (the
 * first column). Every line is checked; with errors nothing is imported unless `partial`.
 * A new tag is created when `tagId` is omitted (kind `import`).
 */
export async function importCsv(
  db: Db,
  shopId: string,
  actorId: string,
  target: { tagId?: string; name?: string },
  input: z.infer<typeof importInput>,
  t: (code: string, params?: Record<string, unknown>) => string,
) {
  const lines = input.csv.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return withShop(db, shopId, async (tx) => {
    await lockShopTags(tx, shopId);
    const tag = target.tagId ? await loadTag(tx, shopId, target.tagId) : null;
    if (tag && tag.kind === 'rule') throw new AppError(409, 'customers.tag_not_manual');
    const errors: ImportLineError[] = [];
    const byNo: { line: number; no: number; raw: string }[] = [];
    const byAccount: { line: number; accountId: string; raw: string }[] = [];
    lines.forEach((text, i) => {
      const line = i + 1;
      const raw = (text.split(',')[0] ?? '').trim().replace(/^"|"$/g, '');
      if (line === 1 && /^(customer|account|id|客户|买家|编号)/i.test(raw)) return; // header
      if (raw === '')
        errors.push({
          line,
          value: raw,
          code: 'csv_empty_line',
          message: t('customers.csv_empty_line', { value: raw }),
        });
      else if (/^\d{1,9}$/.test(raw)) byNo.push({ line, no: Number(raw), raw });
      else if (/^[a-z]{2,8}_[0-9a-z]{10,40}$/.test(raw)) byAccount.push({ line, accountId: raw, raw });
      else
        errors.push({
          line,
          value: raw.slice(0, 60),
          code: 'csv_bad_id',
          message: t('customers.csv_bad_id', { value: raw.slice(0, 60) }),
        });
    });
    const found = new Set<number>();
    const knownNos = await existingCustomers(
      tx,
      shopId,
      byNo.map((b) => b.no),
    );
    for (const b of byNo) {
      if (knownNos.has(b.no)) found.add(b.no);
      else
        errors.push({
          line: b.line,
          value: b.raw,
          code: 'csv_unknown',
          message: t('customers.csv_unknown', { value: b.raw }),
        });
    }
    if (byAccount.length) {
      const rows = await tx
        .select({ accountId: customers.accountId, no: customers.customerNo })
        .from(customers)
        .where(
          and(
            eq(customers.shopId, shopId),
            inArray(
              customers.accountId,
              byAccount.map((b) => b.accountId),
            ),
          ),
        );
      const noOf = new Map(rows.map((r) => [r.accountId!, r.no]));
      for (const b of byAccount) {
        const no = noOf.get(b.accountId);
        if (no !== undefined) found.add(no);
        else
          errors.push({
            line: b.line,
            value: b.raw,
            code: 'csv_unknown',
            message: t('customers.csv_unknown', { value: b.raw }),
          });
      }
    }
    errors.sort((a, b) => a.line - b.line);
    if (errors.length && !input.partial) {
      throw new AppError(
        400,
        'customers.import_failed',
        { count: errors.length },
        errors.map((e) => ({
          field: `body.csv.line.${e.line}`,
          code: e.code,
          message: `customers.${e.code}`,
          params: { line: e.line, value: e.value },
        })),
      );
    }
    let tagId = tag?.id;
    if (!tagId) {
      tagId = newId('ctag');
      await tx.insert(customerTags).values({
        shopId,
        id: tagId,
        name: target.name ?? 'import',
        kind: 'import',
        createdBy: actorId,
      });
    }
    const bitmap = (await loadTagBitmaps(tx, shopId, [tagId])).get(tagKey(tagId, YES)) ?? emptyBitmap();
    const before = bitmap.size;
    bitmap.orInPlace(bitmapOf(found));
    await saveTagBitmap(tx, shopId, tagId, YES, bitmap);
    return { tagId, imported: bitmap.size - before, members: bitmap.size, errors };
  });
}
