import { desc, eq } from 'drizzle-orm';
import type { Executor, Tx } from '../../kernel/db/pool.js';
import type { EventEnvelope, Subscriber } from '../../kernel/events/outbox.js';
import { defineMessages, type Locale, translate } from '../../kernel/http/i18n.js';
import { newId } from '../../kernel/ids.js';
import { accounts } from '../identity/schema.js';
import { shopActivity } from './schema.js';

const messages = defineMessages({
  'activity.shop.applied': { 'zh-CN': '提交了开店申请「{name}」', 'en-US': 'applied to open the shop “{name}”' },
  'activity.shop.approved': {
    'zh-CN': '审核通过了开店申请，店铺已开通',
    'en-US': 'approved the application; the shop is open',
  },
  'activity.shop.rejected': { 'zh-CN': '驳回了开店申请：{reason}', 'en-US': 'rejected the application: {reason}' },
  'activity.shop.updated': { 'zh-CN': '修改了店铺信息', 'en-US': 'updated the shop details' },
  'activity.staff.invited': {
    'zh-CN': '邀请 {identifier} 担任{roleName}',
    'en-US': 'invited {identifier} as {roleName}',
  },
  'activity.staff.invitation_revoked': {
    'zh-CN': '撤回了对 {identifier} 的邀请',
    'en-US': 'revoked the invitation of {identifier}',
  },
  'activity.staff.joined': { 'zh-CN': '以{roleName}身份加入了店铺', 'en-US': 'joined the shop as {roleName}' },
  'activity.staff.role_changed': {
    'zh-CN': '将一名成员的角色改为{roleName}',
    'en-US': 'changed a member’s role to {roleName}',
  },
  'activity.staff.removed': { 'zh-CN': '移除了一名成员（{roleName}）', 'en-US': 'removed a member ({roleName})' },
  'role.owner': { 'zh-CN': '店主', 'en-US': 'owner' },
  'role.operations': { 'zh-CN': '运营', 'en-US': 'operations' },
  'role.customer_service': { 'zh-CN': '客服', 'en-US': 'customer service' },
  'role.warehouse': { 'zh-CN': '仓管', 'en-US': 'warehouse' },
  'role.store_manager': { 'zh-CN': '门店店长', 'en-US': 'store manager' },
  'role.shopping_guide': { 'zh-CN': '导购', 'en-US': 'shopping guide' },
});

/** Records every shop event it knows how to tell a person about. */
export const activitySubscriber: Subscriber = {
  name: 'activity.record',
  topics: ['shop.*', 'staff.*'],
  async handle(event: EventEnvelope, tx: Tx) {
    if (!event.shopId || !(`activity.${event.topic}` in messages)) return;
    const { actorId, ...data } = event.payload as { actorId?: string } & Record<string, unknown>;
    await tx.insert(shopActivity).values({
      shopId: event.shopId,
      id: newId('act'),
      eventId: event.id,
      type: event.topic,
      actorAccountId: actorId ?? null,
      data,
      at: new Date(event.createdAt),
    });
  },
};

/** The shop's latest activity, told in the reader's language. Call inside the shop's scope. */
export async function recentActivity(tx: Executor, shopId: string, locale: Locale, limit = 20) {
  const rows = await tx
    .select({ a: shopActivity, actorName: accounts.displayName })
    .from(shopActivity)
    .leftJoin(accounts, eq(accounts.id, shopActivity.actorAccountId))
    .where(eq(shopActivity.shopId, shopId))
    .orderBy(desc(shopActivity.at), desc(shopActivity.id))
    .limit(limit);
  return rows.map(({ a, actorName }) => {
    const role = typeof a.data.role === 'string' ? a.data.role : undefined;
    const params = { ...a.data, roleName: role ? translate(`role.${role}`, locale) : '' };
    return {
      id: a.id,
      type: a.type,
      summary: translate(`activity.${a.type}`, locale, params),
      actorName: actorName ?? null,
      at: a.at.toISOString(),
    };
  });
}
