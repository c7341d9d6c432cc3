/** Server state for the commerce screens (products, orders, after-sales, settings), typed from the OpenAPI document. */
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../api/client';
import type { BodyOf, ResponseOf } from '../api/types';
import type { paths } from '../api/schema';

type Query<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } }
  ? NonNullable<Q>
  : never;

export type Product = ResponseOf<'/api/shops/{shopId}/products/{productId}', 'get'>;
export type ProductInput = BodyOf<'/api/shops/{shopId}/products', 'post'>;
export type ProductStatus = Product['status'];
export type DetailBlock = Product['detailBlocks'][number];
export type ProductQuery = Omit<Query<'/api/shops/{shopId}/products'>, 'cursor' | 'limit'>;
export type ShopCategory = ResponseOf<'/api/shops/{shopId}/categories', 'get'>['items'][number];
export type PlatformCategory = ResponseOf<'/api/platform-categories', 'get'>['items'][number];

export type Order = ResponseOf<'/api/shops/{shopId}/orders/{orderId}', 'get'>;
export type OrderRow = ResponseOf<'/api/shops/{shopId}/orders', 'get'>['items'][number];
export type OrderStatus = Order['status'];
export type OrderQuery = Omit<Query<'/api/shops/{shopId}/orders'>, 'cursor' | 'limit'>;
export type OrderSettings = ResponseOf<'/api/shops/{shopId}/order-settings', 'get'>;

export type AftersaleCase = ResponseOf<'/api/shops/{shopId}/aftersales/{caseId}', 'get'>;
export type CaseStatus = AftersaleCase['status'];
export type CaseQuery = Omit<Query<'/api/shops/{shopId}/aftersales'>, 'cursor' | 'limit'>;

export const PRODUCT_STATUSES: ProductStatus[] = ['on_shelf', 'off_shelf', 'draft', 'scheduled'];
export const ORDER_STATUSES: OrderStatus[] = [
  'pending_payment',
  'paid',
  'shipped',
  'received',
  'completed',
  'cancelled',
  'closed',
];
export const CASE_STATUSES: CaseStatus[] = [
  'requested',
  'awaiting_return',
  'returned',
  'refunding',
  'refunded',
  'rejected',
  'cancelled',
];

/** Carriers offered when shipping: the API stores the Chinese name (what waybills and buyers read). */
export const CARRIERS = [
  { name: '顺丰速运', key: 'sf' },
  { name: '中通快递', key: 'zto' },
  { name: '圆通速递', key: 'yto' },
  { name: '韵达快递', key: 'yunda' },
  { name: '申通快递', key: 'sto' },
  { name: '京东物流', key: 'jd' },
  { name: 'EMS', key: 'ems' },
  { name: '邮政快递包裹', key: 'post' },
] as const;

export const ck = {
  platformCategories: ['platformCategories'] as const,
  shopCategories: (shopId: string) => ['shop', shopId, 'shopCategories'] as const,
  products: (shopId: string) => ['shop', shopId, 'products'] as const,
  productList: (shopId: string, q: ProductQuery) => ['shop', shopId, 'products', 'list', q] as const,
  product: (shopId: string, productId: string) => ['shop', shopId, 'products', 'one', productId] as const,
  orders: (shopId: string) => ['shop', shopId, 'orders'] as const,
  orderList: (shopId: string, q: OrderQuery) => ['shop', shopId, 'orders', 'list', q] as const,
  order: (shopId: string, orderId: string) => ['shop', shopId, 'orders', 'one', orderId] as const,
  orderSettings: (shopId: string) => ['shop', shopId, 'orderSettings'] as const,
  aftersales: (shopId: string) => ['shop', shopId, 'aftersales'] as const,
  caseList: (shopId: string, q: CaseQuery) => ['shop', shopId, 'aftersales', 'list', q] as const,
};

const clean = <T extends object>(q: T): T =>
  Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined && v !== '' && v !== null)) as T;

// ------------------------------------------------------------------ categories

export function usePlatformCategories() {
  return useQuery({
    queryKey: ck.platformCategories,
    queryFn: async () => (await call(api.GET('/api/platform-categories'))).items,
    staleTime: 10 * 60_000,
  });
}

/** The path [parent, child] to a platform category, for the Cascader. */
export function categoryPath(tree: PlatformCategory[], id: string): string[] {
  const walk = (nodes: PlatformCategory[], trail: string[]): string[] | null => {
    for (const n of nodes) {
      if (n.id === id) return [...trail, n.id];
      const found = walk(n.children, [...trail, n.id]);
      if (found) return found;
    }
    return null;
  };
  return walk(tree, []) ?? [id];
}

export function categoryName(tree: PlatformCategory[] | undefined, id: string): string {
  if (!tree) return id;
  const names: string[] = [];
  const walk = (nodes: PlatformCategory[]): boolean => {
    for (const n of nodes) {
      names.push(n.name);
      if (n.id === id || walk(n.children)) return true;
      names.pop();
    }
    return false;
  };
  return walk(tree) ? names.join(' / ') : id;
}

export function useShopCategories(shopId: string) {
  return useQuery({
    queryKey: ck.shopCategories(shopId),
    queryFn: async () =>
      (await call(api.GET('/api/shops/{shopId}/categories', { params: { path: { shopId } } }))).items,
  });
}

export function useSaveShopCategory(shopId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: { id?: string; name: string; sort?: number }) =>
      id
        ? call(
            api.PATCH('/api/shops/{shopId}/categories/{categoryId}', {
              params: { path: { shopId, categoryId: id } },
              body,
            }),
          )
        : call(api.POST('/api/shops/{shopId}/categories', { params: { path: { shopId } }, body })),
    onSettled: () => qc.invalidateQueries({ queryKey: ck.shopCategories(shopId) }),
  });
}

export function useDeleteShopCategory(shopId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (categoryId: string) =>
      call(api.DELETE('/api/shops/{shopId}/categories/{categoryId}', { params: { path: { shopId, categoryId } } })),
    onSettled: () => qc.invalidateQueries({ queryKey: ck.shopCategories(shopId) }),
  });
}

// ------------------------------------------------------------------ products

export function useProducts(shopId: string, q: ProductQuery) {
  return useInfiniteQuery({
    queryKey: ck.productList(shopId, q),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/shops/{shopId}/products', {
          params: { path: { shopId }, query: clean({ ...q, limit: 20, cursor: pageParam }) },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useProduct(shopId: string, productId: string | undefined) {
  return useQuery({
    queryKey: ck.product(shopId, productId ?? ''),
    queryFn: () =>
      call(
        api.GET('/api/shops/{shopId}/products/{productId}', { params: { path: { shopId, productId: productId! } } }),
      ),
    enabled: !!productId,
    // Fresh when the editor opens, then left alone while someone types.
    staleTime: 0,
    refetchOnWindowFocus: false,
  });
}

export function useSaveProduct(shopId: string, productId: string | undefined) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ProductInput) =>
      productId
        ? call(api.PUT('/api/shops/{shopId}/products/{productId}', { params: { path: { shopId, productId } }, body }))
        : call(api.POST('/api/shops/{shopId}/products', { params: { path: { shopId } }, body })),
    onSuccess: (saved) => {
      qc.setQueryData(ck.product(shopId, saved.id), saved);
      return qc.invalidateQueries({ queryKey: ck.products(shopId), predicate: (q) => q.queryKey[3] === 'list' });
    },
  });
}

export function useSetProductStatus(shopId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: BodyOf<'/api/shops/{shopId}/products/status', 'post'>) =>
      call(api.POST('/api/shops/{shopId}/products/status', { params: { path: { shopId } }, body })),
    onSettled: () => qc.invalidateQueries({ queryKey: ck.products(shopId) }),
  });
}

// ------------------------------------------------------------------ orders

export function useOrders(shopId: string, q: OrderQuery) {
  return useInfiniteQuery({
    queryKey: ck.orderList(shopId, q),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/shops/{shopId}/orders', {
          params: { path: { shopId }, query: clean({ ...q, limit: 20, cursor: pageParam }) },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useOrder(shopId: string, orderId: string) {
  return useQuery({
    queryKey: ck.order(shopId, orderId),
    queryFn: () => call(api.GET('/api/shops/{shopId}/orders/{orderId}', { params: { path: { shopId, orderId } } })),
    enabled: !!orderId,
    staleTime: 0,
  });
}

export function useShip(shopId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ orderId, ...body }: { orderId: string; carrier: string; trackingNo: string }) =>
      call(api.POST('/api/shops/{shopId}/orders/{orderId}/ship', { params: { path: { shopId, orderId } }, body })),
    onSuccess: (order) => qc.setQueryData(ck.order(shopId, order.id), order),
    onSettled: () => qc.invalidateQueries({ queryKey: ck.orders(shopId) }),
  });
}

export function useShipCsv(shopId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (csv: string) =>
      call(api.POST('/api/shops/{shopId}/orders/ship-csv', { params: { path: { shopId } }, body: { csv } })),
    onSettled: () => qc.invalidateQueries({ queryKey: ck.orders(shopId) }),
  });
}

export function useCancelOrder(shopId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ orderId, reason }: { orderId: string; reason: string }) =>
      call(
        api.POST('/api/shops/{shopId}/orders/{orderId}/cancel', {
          params: { path: { shopId, orderId } },
          body: { reason },
        }),
      ),
    onSuccess: (order) => qc.setQueryData(ck.order(shopId, order.id), order),
    onSettled: () => qc.invalidateQueries({ queryKey: ck.orders(shopId) }),
  });
}

export function useOrderSettings(shopId: string) {
  return useQuery({
    queryKey: ck.orderSettings(shopId),
    queryFn: () => call(api.GET('/api/shops/{shopId}/order-settings', { params: { path: { shopId } } })),
  });
}

export function useSaveOrderSettings(shopId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: OrderSettings) =>
      call(api.PUT('/api/shops/{shopId}/order-settings', { params: { path: { shopId } }, body })),
    onSuccess: (saved) => qc.setQueryData(ck.orderSettings(shopId), saved),
  });
}

// ------------------------------------------------------------------ after-sales

export function useCases(shopId: string, q: CaseQuery, enabled = true) {
  return useInfiniteQuery({
    queryKey: ck.caseList(shopId, q),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/shops/{shopId}/aftersales', {
          params: { path: { shopId }, query: clean({ ...q, limit: 20, cursor: pageParam }) },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useCase(shopId: string, caseId: string | null) {
  return useQuery({
    queryKey: [...ck.aftersales(shopId), 'one', caseId ?? ''],
    queryFn: () =>
      call(api.GET('/api/shops/{shopId}/aftersales/{caseId}', { params: { path: { shopId, caseId: caseId! } } })),
    enabled: !!caseId,
    staleTime: 0,
  });
}

export type CaseAction = { caseId: string } & (
  { action: 'approve' } | { action: 'receive' } | { action: 'reject'; reason: string }
);

export function useCaseAction(shopId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (a: CaseAction) => {
      const params = { path: { shopId, caseId: a.caseId } };
      if (a.action === 'approve') return call(api.POST('/api/shops/{shopId}/aftersales/{caseId}/approve', { params }));
      if (a.action === 'receive') return call(api.POST('/api/shops/{shopId}/aftersales/{caseId}/receive', { params }));
      return call(api.POST('/api/shops/{shopId}/aftersales/{caseId}/reject', { params, body: { reason: a.reason } }));
    },
    onSettled: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: ck.aftersales(shopId) }),
        qc.invalidateQueries({ queryKey: ck.orders(shopId) }),
      ]),
  });
}

// ------------------------------------------------------------------ storefront decoration

export type Decoration = ResponseOf<'/api/shops/{shopId}/decoration', 'get'>;
export type DecorationInput = BodyOf<'/api/shops/{shopId}/decoration', 'put'>;

export function useDecoration(shopId: string) {
  return useQuery({
    queryKey: ['shop', shopId, 'decoration'] as const,
    queryFn: () => call(api.GET('/api/shops/{shopId}/decoration', { params: { path: { shopId } } })),
  });
}

export function useSaveDecoration(shopId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: DecorationInput) =>
      call(api.PUT('/api/shops/{shopId}/decoration', { params: { path: { shopId } }, body })),
    onSuccess: (saved) => qc.setQueryData(['shop', shopId, 'decoration'], saved),
  });
}
