import type { customers } from './schema.js';

type CustomerRow = typeof customers.$inferSelect;
type Label = { 'zh-CN': string; 'en-US': string };

/**
 * System tags: computed from the profile, one bitmap per value. `values` lists fixed values;
 * tags without it take their values from the data (regions, tiers, categories).
 */
export const SYSTEM_TAGS: Record<string, { name: Label; values?: Record<string, Label> }> = {
  'sys.all': {
    name: { 'zh-CN': '全部客户', 'en-US': 'All customers' },
    values: { all: { 'zh-CN': '全部', 'en-US': 'All' } },
  },
  'sys.visitor': { name: { 'zh-CN': '访客', 'en-US': 'Visitors' }, values: { yes: { 'zh-CN': '是', 'en-US': 'Yes' } } },
  'sys.buyer': { name: { 'zh-CN': '成交客户', 'en-US': 'Buyers' }, values: { yes: { 'zh-CN': '是', 'en-US': 'Yes' } } },
  'sys.follower': {
    name: { 'zh-CN': '粉丝', 'en-US': 'Followers' },
    values: { yes: { 'zh-CN': '是', 'en-US': 'Yes' } },
  },
  'sys.gender': {
    name: { 'zh-CN': '性别', 'en-US': 'Gender' },
    values: { female: { 'zh-CN': '女', 'en-US': 'Female' }, male: { 'zh-CN': '男', 'en-US': 'Male' } },
  },
  'sys.age': {
    name: { 'zh-CN': '年龄段', 'en-US': 'Age band' },
    values: Object.fromEntries(
      ['18-24', '25-29', '30-34', '35-39', '40-49', '50+'].map((v) => [v, { 'zh-CN': v, 'en-US': v }]),
    ),
  },
  'sys.region': { name: { 'zh-CN': '地域（省）', 'en-US': 'Region (province)' } },
  'sys.tier': { name: { 'zh-CN': '会员等级', 'en-US': 'Member tier' } },
  'sys.lifecycle': {
    name: { 'zh-CN': '生命周期', 'en-US': 'Lifecycle' },
    values: {
      new: { 'zh-CN': '新客', 'en-US': 'New' },
      active: { 'zh-CN': '活跃', 'en-US': 'Active' },
      dormant: { 'zh-CN': '沉睡', 'en-US': 'Dormant' },
      churned: { 'zh-CN': '流失', 'en-US': 'Churned' },
    },
  },
  'sys.rfm': {
    name: { 'zh-CN': 'RFM 分层', 'en-US': 'RFM level' },
    values: {
      important_value: { 'zh-CN': '重要价值客户', 'en-US': 'Champions' },
      important_retain: { 'zh-CN': '重要保持客户', 'en-US': 'Loyal, slipping' },
      important_develop: { 'zh-CN': '重要发展客户', 'en-US': 'Big spenders to grow' },
      important_keep: { 'zh-CN': '重要挽留客户', 'en-US': 'Big spenders at risk' },
      general_value: { 'zh-CN': '一般价值客户', 'en-US': 'Frequent, low spend' },
      general_retain: { 'zh-CN': '一般保持客户', 'en-US': 'Frequent, slipping' },
      general_develop: { 'zh-CN': '一般发展客户', 'en-US': 'Recent newcomers' },
      general_keep: { 'zh-CN': '一般挽留客户', 'en-US': 'Lost, low value' },
    },
  },
  'sys.category': { name: { 'zh-CN': '品类偏好', 'en-US': 'Category preference' } },
  'sys.price': {
    name: { 'zh-CN': '价格带（客单价）', 'en-US': 'Price band (average order value)' },
    values: {
      low: { 'zh-CN': '¥100 以下', 'en-US': 'under ¥100' },
      mid: { 'zh-CN': '¥100–300', 'en-US': '¥100–300' },
      high: { 'zh-CN': '¥300–800', 'en-US': '¥300–800' },
      premium: { 'zh-CN': '¥800 以上', 'en-US': '¥800 and up' },
    },
  },
};
export const SYSTEM_TAG_IDS = Object.keys(SYSTEM_TAGS);
export const isSystemTag = (id: string) => id in SYSTEM_TAGS;

const DAY = 86_400_000;
export const LIFECYCLE_DAYS = { new: 30, active: 30, dormant: 90 } as const;

/** Shop-wide means over buyers that split each RFM dimension into high and low. */
export interface RfmThresholds {
  recencyDays: number;
  orders: number;
  spend: number;
}

export function lifecycleOf(c: Pick<CustomerRow, 'firstSeenAt' | 'lastSeenAt'>, now: Date): string {
  const sinceFirst = (now.getTime() - c.firstSeenAt.getTime()) / DAY;
  const sinceLast = (now.getTime() - c.lastSeenAt.getTime()) / DAY;
  if (sinceFirst <= LIFECYCLE_DAYS.new) return 'new';
  if (sinceLast <= LIFECYCLE_DAYS.active) return 'active';
  if (sinceLast <= LIFECYCLE_DAYS.dormant) return 'dormant';
  return 'churned';
}

/** The classic eight RFM classes: recency, frequency and monetary each high or low against the mean. */
export function rfmOf(
  c: Pick<CustomerRow, 'orderCount' | 'spend' | 'lastOrderAt'>,
  t: RfmThresholds,
  now: Date,
): string | null {
  if (c.orderCount <= 0 || !c.lastOrderAt) return null;
  const r = (now.getTime() - c.lastOrderAt.getTime()) / DAY <= t.recencyDays;
  const f = c.orderCount > t.orders;
  const m = c.spend >= t.spend;
  const weight = m ? 'important' : 'general';
  const kind = r && f ? 'value' : !r && f ? 'retain' : r ? 'develop' : 'keep';
  return `${weight}_${kind}`;
}

export function priceBandOf(c: Pick<CustomerRow, 'orderCount' | 'spend'>): string | null {
  if (c.orderCount <= 0) return null;
  const aov = c.spend / c.orderCount;
  return aov < 10_000 ? 'low' : aov < 30_000 ? 'mid' : aov < 80_000 ? 'high' : 'premium';
}

/** Every system tag's value for one customer (null: not in any value of that tag). */
export function systemValues(c: CustomerRow, t: RfmThresholds, now: Date): Record<string, string | null> {
  const merged = c.mergedInto !== null;
  if (merged) return Object.fromEntries(SYSTEM_TAG_IDS.map((id) => [id, null]));
  return {
    'sys.all': 'all',
    'sys.visitor': c.visitDays > 0 ? 'yes' : null,
    'sys.buyer': c.orderCount > 0 ? 'yes' : null,
    'sys.follower': c.following ? 'yes' : null,
    'sys.gender': c.gender ?? null,
    'sys.age': c.ageBand ?? null,
    'sys.region': c.region ?? null,
    'sys.tier': c.tier ?? null,
    'sys.lifecycle': lifecycleOf(c, now),
    'sys.rfm': rfmOf(c, t, now),
    'sys.category': c.topCategory ?? null,
    'sys.price': priceBandOf(c),
  };
}
