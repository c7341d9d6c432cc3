import { and, asc, desc, eq, gt, inArray, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Executor, Tx } from '../../kernel/db/pool.js';
import { withShop } from '../../kernel/db/tenant.js';
import { emit } from '../../kernel/events/outbox.js';
import type { Principal } from '../../kernel/http/auth.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../kernel/http/errors.js';
import { defineMessages } from '../../kernel/http/i18n.js';
import { decodeCursor, toPage } from '../../kernel/http/pagination.js';
import { newId } from '../../kernel/ids.js';
import { enqueue } from '../../kernel/jobs/queue.js';
import { identity } from '../identity/index.js';
import { accounts } from '../identity/schema.js';
import { media } from '../media/index.js';
import { type Permission, type Role, ROLE_PERMISSIONS } from './permissions.js';
import { shopInvitations, shopMembers, shops } from './schema.js';

export const INVITATION_DAYS = 7;

defineMessages({
  'shops.not_active': {
    'zh-CN': '店铺尚未开通，无法使用此功能',
    'en-US': 'The shop is not open yet; this is not available',
  },
  'shops.not_pending': { 'zh-CN': '该申请已审核过', 'en-US': 'This application has already been reviewed' },
  'shops.name_taken': { 'zh-CN': '店铺名称已被使用', 'en-US': 'This shop name is already taken' },
  'shops.owner_immutable': { 'zh-CN': '不能修改或移除店主', 'en-US': 'The owner cannot be changed or removed' },
  'shops.already_member': { 'zh-CN': '对方已是本店成员', 'en-US': 'This person is already a member of the shop' },
  'shops.already_invited': {
    'zh-CN': '已向对方发出邀请，等待接受',
    'en-US': 'This person already has a pending invitation',
  },
  'shops.invitation_not_for_you': {
    'zh-CN': '该邀请不是发给当前账号的',
    'en-US': 'This invitation was sent to someone else',
  },
  'shops.invitation_closed': { 'zh-CN': '该邀请已失效', 'en-US': 'This invitation is no longer valid' },
  'shops.invalid_identifier': { 'zh-CN': '请输入有效的邮箱或手机号', 'en-US': 'Enter a valid email or mobile number' },
  'shops.cannot_invite_owner': { 'zh-CN': '不能邀请为店主', 'en-US': 'Nobody can be invited as owner' },
  'shops.staff_must_be_merchant': {
    'zh-CN': '只有商家账号可以加入店铺，请用商家身份注册',
    'en-US': 'Only merchant accounts can join a shop; register as a merchant',
  },
  'shops.reject_reason_required': { 'zh-CN': '请填写驳回原因', 'en-US': 'Give a reason for the rejection' },
});

export const shopView = z.object({
  id: z.string(),
  name: z.string(),
  mainCategory: z.string(),
  contactName: z.string(),
  contactPhone: z.string(),
  licenceNo: z.string(),
  logoUrl: z.string().nullable(),
  status: z.enum(['pending', 'active', 'rejected']),
  rejectReason: z.string().nullable(),
  createdAt: z.iso.datetime(),
  reviewedAt: z.iso.datetime().nullable(),
});
export type ShopView = z.infer<typeof shopView>;

type ShopRow = typeof shops.$inferSelect;
export const toShopView = (s: ShopRow): ShopView => ({
  id: s.id,
  name: s.name,
  mainCategory: s.mainCategory,
  contactName: s.contactName,
  contactPhone: s.contactPhone,
  licenceNo: s.licenceNo,
  logoUrl: s.logoUrl,
  status: s.status,
  rejectReason: s.rejectReason,
  createdAt: s.createdAt.toISOString(),
  reviewedAt: s.reviewedAt?.toISOString() ?? null,
});

async function findShop(db: Executor, shopId: string): Promise<ShopRow> {
  const [row] = await db.select().from(shops).where(eq(shops.id, shopId));
  if (!row) throw notFound('shop');
  return row;
}

// ---------------------------------------------------------------- access

export interface ShopAccess {
  shopId: string;
  accountId: string;
  role: Role;
  permissions: readonly Permission[];
  shopStatus: ShopRow['status'];
}

/**
 * The caller's standing in a shop, checked on every workbench request: an active membership
 * with the permission, else 403; a shop that is not open, 409 (unless `allowInactive`).
 */
export async function authorize(
  db: Db,
  principal: Principal,
  shopId: string,
  permission: Permission,
  opts: { allowInactive?: boolean } = {},
): Promise<ShopAccess> {
  // One indexed read by the exact key; it names the shop and the account itself, so it needs no scope.
  const [row] = await db
    .select({ role: shopMembers.role, status: shops.status })
    .from(shopMembers)
    .innerJoin(shops, eq(shops.id, shopMembers.shopId))
    .where(and(eq(shopMembers.shopId, shopId), eq(shopMembers.accountId, principal.accountId)));
  if (!row) throw forbidden();
  const permissions = ROLE_PERMISSIONS[row.role as Role] ?? [];
  if (!permissions.includes(permission)) throw forbidden();
  if (row.status !== 'active' && !opts.allowInactive)
    throw new AppError(409, 'shops.not_active', { status: row.status });
  return { shopId, accountId: principal.accountId, role: row.role as Role, permissions, shopStatus: row.status };
}

// ---------------------------------------------------------------- onboarding

export interface ApplyInput {
  name: string;
  mainCategory: string;
  contactName: string;
  contactPhone: string;
  licenceNo: string;
  logo?: string;
}

export async function apply(db: Db, dataDir: string, principal: Principal, input: ApplyInput): Promise<ShopView> {
  const logoUrl = input.logo
    ? await media.saveImageDataUrl(dataDir, 'shop-logos', input.logo, { field: 'body.logo', maxBytes: 512 * 1024 })
    : null;
  try {
    return await db.transaction(async (tx) => {
      const [taken] = await tx
        .select({ id: shops.id })
        .from(shops)
        .where(and(sql`lower(${shops.name}) = lower(${input.name})`, inArray(shops.status, ['pending', 'active'])));
      if (taken)
        throw new AppError(409, 'shops.name_taken', {}, [
          { field: 'body.name', code: 'taken', message: 'shops.name_taken' },
        ]);
      const id = newId('shop');
      const [row] = await tx
        .insert(shops)
        .values({ id, ...input, logoUrl, ownerAccountId: principal.accountId })
        .returning();
      await tx.insert(shopMembers).values({ shopId: id, accountId: principal.accountId, role: 'owner' });
      await emit(tx, 'shop.applied', { shopId: id, name: input.name, actorId: principal.accountId }, id);
      return toShopView(row!);
    });
  } catch (e) {
    if (logoUrl) await media.removeMedia(dataDir, logoUrl);
    throw e;
  }
}

export async function listApplications(db: Db, q: { status: ShopRow['status']; limit: number; cursor?: string }) {
  const after = decodeCursor(q.cursor);
  const rows = await db
    .select({ shop: shops, owner: { name: accounts.displayName, email: accounts.email, mobile: accounts.mobile } })
    .from(shops)
    .innerJoin(accounts, eq(accounts.id, shops.ownerAccountId))
    .where(and(eq(shops.status, q.status), after ? lt(shops.id, String(after[0])) : undefined))
    .orderBy(desc(shops.id))
    .limit(q.limit + 1);
  const page = toPage(rows, q.limit, (r) => [r.shop.id]);
  return {
    items: page.items.map((r) => ({
      ...toShopView(r.shop),
      ownerName: r.owner.name,
      ownerEmail: r.owner.email,
      ownerMobile: r.owner.mobile,
    })),
    nextCursor: page.nextCursor,
  };
}

export async function review(
  db: Db,
  operator: Principal,
  shopId: string,
  decision: { approve: true } | { approve: false; reason: string },
): Promise<ShopView> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(shops).where(eq(shops.id, shopId)).for('update');
    if (!row) throw notFound('shop');
    if (row.status !== 'pending') throw conflict('shops.not_pending');
    const [updated] = await tx
      .update(shops)
      .set({
        status: decision.approve ? 'active' : 'rejected',
        rejectReason: decision.approve ? null : decision.reason,
        reviewedAt: sql`now()`,
        reviewedBy: operator.accountId,
      })
      .where(eq(shops.id, shopId))
      .returning();
    await emit(
      tx,
      decision.approve ? 'shop.approved' : 'shop.rejected',
      { shopId, name: row.name, actorId: operator.accountId, ...(decision.approve ? {} : { reason: decision.reason }) },
      shopId,
    );
    return toShopView(updated!);
  });
}

// ---------------------------------------------------------------- the account's shops

/** Every shop the account owns or works for (reads across shops, so not tenant-scoped). */
export async function myShops(db: Db, accountId: string) {
  const rows = await db
    .select({ shop: shops, role: shopMembers.role })
    .from(shopMembers)
    .innerJoin(shops, eq(shops.id, shopMembers.shopId))
    .where(eq(shopMembers.accountId, accountId))
    .orderBy(asc(shopMembers.joinedAt));
  return rows.map((r) => ({
    shop: toShopView(r.shop),
    role: r.role as Role,
    permissions: [...(ROLE_PERMISSIONS[r.role as Role] ?? [])],
  }));
}

async function identifiersOf(db: Executor, accountId: string): Promise<string[]> {
  const account = await identity.getAccount(db, accountId);
  return [account.email, account.mobile].filter((v): v is string => !!v);
}

export async function myInvitations(db: Db, accountId: string) {
  const ids = await identifiersOf(db, accountId);
  if (ids.length === 0) return [];
  const rows = await db
    .select({ inv: shopInvitations, shopName: shops.name })
    .from(shopInvitations)
    .innerJoin(shops, eq(shops.id, shopInvitations.shopId))
    .where(
      and(
        inArray(shopInvitations.identifier, ids),
        eq(shopInvitations.status, 'pending'),
        gt(shopInvitations.expiresAt, sql`now()`),
      ),
    )
    .orderBy(desc(shopInvitations.createdAt));
  return rows.map((r) => ({
    id: r.inv.id,
    shopId: r.inv.shopId,
    shopName: r.shopName,
    role: r.inv.role as Role,
    createdAt: r.inv.createdAt.toISOString(),
    expiresAt: r.inv.expiresAt.toISOString(),
  }));
}

export async function respondToInvitation(db: Db, principal: Principal, invitationId: string, accept: boolean) {
  const ids = await identifiersOf(db, principal.accountId);
  return db.transaction(async (tx) => {
    const [inv] = await tx.select().from(shopInvitations).where(eq(shopInvitations.id, invitationId)).for('update');
    if (!inv) throw notFound('invitation');
    if (!ids.includes(inv.identifier)) throw new AppError(403, 'shops.invitation_not_for_you');
    if (inv.status !== 'pending' || inv.expiresAt.getTime() <= Date.now()) throw conflict('shops.invitation_closed');
    if (accept && principal.kind !== 'merchant') throw new AppError(403, 'shops.staff_must_be_merchant');
    await tx
      .update(shopInvitations)
      .set({ status: accept ? 'accepted' : 'declined', respondedAt: sql`now()` })
      .where(and(eq(shopInvitations.shopId, inv.shopId), eq(shopInvitations.id, inv.id)));
    if (accept) {
      await tx
        .insert(shopMembers)
        .values({ shopId: inv.shopId, accountId: principal.accountId, role: inv.role, invitedBy: inv.invitedBy })
        .onConflictDoNothing();
      await emit(
        tx,
        'staff.joined',
        { shopId: inv.shopId, accountId: principal.accountId, role: inv.role, actorId: principal.accountId },
        inv.shopId,
      );
    }
    return { shopId: inv.shopId, role: inv.role as Role };
  });
}

// ---------------------------------------------------------------- inside one shop (tenant-scoped)

export async function overviewCounts(tx: Tx) {
  const [members] = await tx.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(shopMembers);
  const [pending] = await tx
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(shopInvitations)
    .where(and(eq(shopInvitations.status, 'pending'), gt(shopInvitations.expiresAt, sql`now()`)));
  return { members: members?.n ?? 0, pendingInvitations: pending?.n ?? 0 };
}

/** Name and status of several shops (for other modules: carts, order lists, checkout). */
export async function shopSummaries(db: Executor, ids: string[]) {
  if (ids.length === 0) return new Map<string, { id: string; name: string; status: ShopRow['status'] }>();
  const rows = await db
    .select({ id: shops.id, name: shops.name, status: shops.status })
    .from(shops)
    .where(inArray(shops.id, ids));
  return new Map(rows.map((r) => [r.id, r]));
}

export async function getShop(db: Executor, shopId: string): Promise<ShopView> {
  return toShopView(await findShop(db, shopId));
}

export async function updateShop(
  db: Db,
  access: ShopAccess,
  patch: { name?: string; contactName?: string; contactPhone?: string },
): Promise<ShopView> {
  return withShop(db, access.shopId, async (tx) => {
    if (patch.name) {
      const [taken] = await tx
        .select({ id: shops.id })
        .from(shops)
        .where(
          and(
            sql`lower(${shops.name}) = lower(${patch.name})`,
            sql`${shops.id} <> ${access.shopId}`,
            inArray(shops.status, ['pending', 'active']),
          ),
        );
      if (taken)
        throw new AppError(409, 'shops.name_taken', {}, [
          { field: 'body.name', code: 'taken', message: 'shops.name_taken' },
        ]);
    }
    const [row] = await tx.update(shops).set(patch).where(eq(shops.id, access.shopId)).returning();
    await emit(
      tx,
      'shop.updated',
      { shopId: access.shopId, fields: Object.keys(patch), actorId: access.accountId },
      access.shopId,
    );
    return toShopView(row!);
  });
}

export async function listMembers(db: Db, access: ShopAccess, q: { limit: number; cursor?: string }) {
  const after = decodeCursor(q.cursor);
  return withShop(db, access.shopId, async (tx) => {
    const rows = await tx
      .select({ member: shopMembers, account: accounts })
      .from(shopMembers)
      .innerJoin(accounts, eq(accounts.id, shopMembers.accountId))
      .where(after ? gt(shopMembers.accountId, String(after[0])) : undefined)
      .orderBy(asc(shopMembers.accountId))
      .limit(q.limit + 1);
    const page = toPage(rows, q.limit, (r) => [r.member.accountId]);
    return { items: page.items.map((r) => memberView(r.member, r.account)), nextCursor: page.nextCursor };
  });
}

const memberView = (m: typeof shopMembers.$inferSelect, a: typeof accounts.$inferSelect) => ({
  accountId: m.accountId,
  displayName: a.displayName,
  email: a.email,
  mobile: a.mobile,
  role: m.role as Role,
  joinedAt: m.joinedAt.toISOString(),
});

async function lockMember(tx: Tx, accountId: string) {
  const [row] = await tx
    .select({ member: shopMembers, account: accounts })
    .from(shopMembers)
    .innerJoin(accounts, eq(accounts.id, shopMembers.accountId))
    .where(eq(shopMembers.accountId, accountId))
    .for('update', { of: shopMembers });
  if (!row) throw notFound('member');
  if (row.member.role === 'owner') throw conflict('shops.owner_immutable');
  return row;
}

export async function changeRole(db: Db, access: ShopAccess, accountId: string, role: Exclude<Role, 'owner'>) {
  return withShop(db, access.shopId, async (tx) => {
    const { account } = await lockMember(tx, accountId);
    const [member] = await tx
      .update(shopMembers)
      .set({ role })
      .where(and(eq(shopMembers.shopId, access.shopId), eq(shopMembers.accountId, accountId)))
      .returning();
    await emit(
      tx,
      'staff.role_changed',
      { shopId: access.shopId, accountId, role, actorId: access.accountId },
      access.shopId,
    );
    return memberView(member!, account);
  });
}

export async function removeMember(db: Db, access: ShopAccess, accountId: string): Promise<void> {
  await withShop(db, access.shopId, async (tx) => {
    const { member } = await lockMember(tx, accountId);
    await tx
      .delete(shopMembers)
      .where(and(eq(shopMembers.shopId, access.shopId), eq(shopMembers.accountId, accountId)));
    await emit(
      tx,
      'staff.removed',
      { shopId: access.shopId, accountId, role: member.role, actorId: access.accountId },
      access.shopId,
    );
  });
}

const invitationView = (i: typeof shopInvitations.$inferSelect) => ({
  id: i.id,
  identifier: i.identifier,
  role: i.role as Role,
  status: i.status,
  createdAt: i.createdAt.toISOString(),
  expiresAt: i.expiresAt.toISOString(),
});

export async function listInvitations(db: Db, access: ShopAccess, q: { limit: number; cursor?: string }) {
  const after = decodeCursor(q.cursor);
  return withShop(db, access.shopId, async (tx) => {
    const rows = await tx
      .select()
      .from(shopInvitations)
      .where(after ? lt(shopInvitations.id, String(after[0])) : undefined)
      .orderBy(desc(shopInvitations.id))
      .limit(q.limit + 1);
    const page = toPage(rows, q.limit, (r) => [r.id]);
    return { items: page.items.map(invitationView), nextCursor: page.nextCursor };
  });
}

export async function invite(db: Db, access: ShopAccess, input: { identifier: string; role: Exclude<Role, 'owner'> }) {
  const key = identity.normalizeIdentifier(input.identifier);
  const identifier = key.email ?? key.mobile;
  if (!identifier) {
    throw badRequest('validation_failed', [
      { field: 'body.identifier', code: 'invalid', message: 'shops.invalid_identifier' },
    ]);
  }
  return withShop(db, access.shopId, async (tx) => {
    const [member] = await tx
      .select({ id: shopMembers.accountId })
      .from(shopMembers)
      .innerJoin(accounts, eq(accounts.id, shopMembers.accountId))
      .where(or(eq(accounts.email, identifier), eq(accounts.mobile, identifier)));
    if (member)
      throw new AppError(409, 'shops.already_member', {}, [
        { field: 'body.identifier', code: 'member', message: 'shops.already_member' },
      ]);
    const expiresAt = new Date(Date.now() + INVITATION_DAYS * 86_400_000);
    const [row] = await tx
      .insert(shopInvitations)
      .values({
        shopId: access.shopId,
        id: newId('inv'),
        identifier,
        role: input.role,
        invitedBy: access.accountId,
        expiresAt,
      })
      .onConflictDoNothing()
      .returning();
    if (!row)
      throw new AppError(409, 'shops.already_invited', {}, [
        { field: 'body.identifier', code: 'invited', message: 'shops.already_invited' },
      ]);
    await emit(
      tx,
      'staff.invited',
      { shopId: access.shopId, invitationId: row.id, identifier, role: input.role, actorId: access.accountId },
      access.shopId,
    );
    await enqueue(tx, 'shops.expire-invitation', { shopId: access.shopId, invitationId: row.id }, { runAt: expiresAt });
    return invitationView(row);
  });
}

export async function revokeInvitation(db: Db, access: ShopAccess, invitationId: string): Promise<void> {
  await withShop(db, access.shopId, async (tx) => {
    const [row] = await tx
      .update(shopInvitations)
      .set({ status: 'revoked', respondedAt: sql`now()` })
      .where(and(eq(shopInvitations.id, invitationId), eq(shopInvitations.status, 'pending')))
      .returning();
    if (!row) throw notFound('invitation');
    await emit(
      tx,
      'staff.invitation_revoked',
      { shopId: access.shopId, invitationId, identifier: row.identifier, actorId: access.accountId },
      access.shopId,
    );
  });
}

/** Delayed job: an invitation nobody answered in time expires. */
export async function expireInvitation(db: Db, payload: { shopId: string; invitationId: string }) {
  await withShop(db, payload.shopId, (tx) =>
    tx
      .update(shopInvitations)
      .set({ status: 'expired' })
      .where(
        and(
          eq(shopInvitations.id, payload.invitationId),
          eq(shopInvitations.status, 'pending'),
          lt(shopInvitations.expiresAt, sql`now() + interval '1 second'`),
        ),
      ),
  );
}
