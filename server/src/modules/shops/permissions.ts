export const PERMISSIONS = [
  'shop.view',
  'shop.settings',
  'staff.manage',
  'products.read',
  'products.write',
  'orders.read',
  'orders.write',
  'fulfilment.manage',
  'stock.read',
  'stock.write',
  'service.chat',
  'aftersales.manage',
  'customers.read',
  'customers.write',
  'marketing.manage',
  'data.read',
  'store.operate',
  'store.manage',
  'integrations.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = [
  'owner',
  'operations',
  'customer_service',
  'warehouse',
  'store_manager',
  'shopping_guide',
] as const;
export type Role = (typeof ROLES)[number];

/** What each role may do in a shop's workbench. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  owner: PERMISSIONS,
  operations: [
    'shop.view',
    'products.read',
    'products.write',
    'orders.read',
    'orders.write',
    'stock.read',
    'customers.read',
    'customers.write',
    'marketing.manage',
    'data.read',
    'aftersales.manage',
    'service.chat',
    'integrations.manage',
  ],
  customer_service: [
    'shop.view',
    'products.read',
    'orders.read',
    'aftersales.manage',
    'service.chat',
    'customers.read',
  ],
  warehouse: ['shop.view', 'products.read', 'orders.read', 'fulfilment.manage', 'stock.read', 'stock.write'],
  store_manager: [
    'shop.view',
    'products.read',
    'orders.read',
    'fulfilment.manage',
    'stock.read',
    'stock.write',
    'store.operate',
    'store.manage',
    'customers.read',
    'data.read',
  ],
  shopping_guide: ['shop.view', 'products.read', 'store.operate', 'customers.read'],
};

export function can(role: string, permission: Permission): boolean {
  return (ROLE_PERMISSIONS[role as Role] ?? []).includes(permission);
}

/** Main categories a shop applies under (platform-level; the catalog's tree hangs below them). */
export const SHOP_CATEGORIES = [
  { code: 'apparel', 'zh-CN': '服饰鞋包', 'en-US': 'Apparel, shoes & bags' },
  { code: 'food', 'zh-CN': '食品茶饮', 'en-US': 'Food, tea & drinks' },
  { code: 'beauty', 'zh-CN': '美妆个护', 'en-US': 'Beauty & personal care' },
  { code: 'home', 'zh-CN': '家居家装', 'en-US': 'Home & living' },
  { code: 'electronics', 'zh-CN': '数码家电', 'en-US': 'Electronics & appliances' },
  { code: 'mother_baby', 'zh-CN': '母婴玩具', 'en-US': 'Mother, baby & toys' },
  { code: 'sports', 'zh-CN': '运动户外', 'en-US': 'Sports & outdoors' },
  { code: 'books', 'zh-CN': '图书文具', 'en-US': 'Books & stationery' },
] as const;
export const SHOP_CATEGORY_CODES = SHOP_CATEGORIES.map((c) => c.code) as [string, ...string[]];
