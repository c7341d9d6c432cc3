/** The storefront's server state: shapes from the generated OpenAPI types, queries and mutations. */
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type InfiniteData,
} from '@tanstack/react-query';
import { api, call } from '../api/client';
import type { BodyOf, ResponseOf } from '../api/types';
import { useMe } from '../shared/auth';

export type ProductCard = ResponseOf<'/api/storefront/products', 'get'>['items'][number];
export type ProductPage = ResponseOf<'/api/storefront/products', 'get'>;
export type Product = ResponseOf<'/api/storefront/shops/{shopId}/products/{productId}', 'get'>;
export type Sku = Product['skus'][number];
export type DetailBlock = Product['detailBlocks'][number];
export type CategoryNode = ResponseOf<'/api/platform-categories', 'get'>['items'][number];
export type Cart = ResponseOf<'/api/me/cart', 'get'>;
export type CartGroup = Cart['groups'][number];
export type CartLine = CartGroup['lines'][number];
export type Address = ResponseOf<'/api/me/addresses', 'get'>['items'][number];
export type AddressBody = BodyOf<'/api/me/addresses', 'post'>;
export type CheckoutBody = BodyOf<'/api/checkout', 'post'>;
export type CheckoutLine = CheckoutBody['lines'][number];
export type Preview = ResponseOf<'/api/checkout/preview', 'post'>;
export type Order = ResponseOf<'/api/me/orders', 'get'>['items'][number];
export type OrderStatus = Order['status'];
export type OrderDetail = ResponseOf<'/api/me/orders/{shopId}/{orderId}', 'get'>;
export type Aftersale = ResponseOf<'/api/me/aftersales/{shopId}/{caseId}', 'get'>;
export type AftersaleStatus = Aftersale['status'];
export type AftersaleBody = BodyOf<'/api/me/orders/{shopId}/{orderId}/aftersales', 'post'>;

export type Sort = 'sales' | 'newest' | 'price_asc' | 'price_desc';
export interface BrowseQuery {
  q?: string;
  sort?: Sort;
  minPrice?: number;
  maxPrice?: number;
  platformCategoryId?: string;
  shopCategoryId?: string;
}

export const keys = {
  categories: ['m', 'platform-categories'] as const,
  browse: (shopId: string | null, q: BrowseQuery) => ['m', 'browse', shopId, q] as const,
  product: (shopId: string, productId: string) => ['m', 'product', shopId, productId] as const,
  cart: ['m', 'cart'] as const,
  addresses: ['m', 'addresses'] as const,
  orders: (status: string) => ['m', 'orders', status] as const,
  ordersAll: ['m', 'orders'] as const,
  order: (shopId: string, orderId: string) => ['m', 'order', shopId, orderId] as const,
  aftersales: ['m', 'aftersales'] as const,
  aftersale: (shopId: string, caseId: string) => ['m', 'aftersale', shopId, caseId] as const,
  preview: (lines: CheckoutLine[]) => ['m', 'preview', lines] as const,
  shopHome: (shopId: string) => ['m', 'shop-home', shopId] as const,
  shopSummary: (shopId: string) => ['m', 'shop-summary', shopId] as const,
  follows: ['m', 'follows'] as const,
};

export function useCategories() {
  return useQuery({
    queryKey: keys.categories,
    queryFn: async () => (await call(api.GET('/api/platform-categories'))).items,
    staleTime: 10 * 60_000,
  });
}

/** Products across open shops, or of one shop, page by page. */
export function useBrowse(q: BrowseQuery, shopId: string | null = null, initialPage?: ProductPage) {
  const pageSize = 20;
  return useInfiniteQuery({
    queryKey: keys.browse(shopId, q),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => {
      const query = { ...q, limit: pageSize, cursor: pageParam };
      return call(
        shopId
          ? api.GET('/api/storefront/shops/{shopId}/products', { params: { path: { shopId }, query } })
          : api.GET('/api/storefront/products', { params: { query } }),
      );
    },
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    initialData: initialPage ? { pages: [initialPage], pageParams: [undefined] } : undefined,
  });
}

export const browseItems = (data: InfiniteData<ProductPage> | undefined) => data?.pages.flatMap((p) => p.items) ?? [];

export function useProduct(shopId: string, productId: string) {
  return useQuery({
    queryKey: keys.product(shopId, productId),
    queryFn: () =>
      call(api.GET('/api/storefront/shops/{shopId}/products/{productId}', { params: { path: { shopId, productId } } })),
  });
}

/** The cart; empty (and not asked for) when signed out. */
export function useCart() {
  const me = useMe();
  return useQuery({
    queryKey: keys.cart,
    queryFn: () => call(api.GET('/api/me/cart')),
    enabled: !!me.data,
  });
}

export const cartCount = (cart: Cart | undefined) =>
  cart?.groups.reduce((n, g) => n + g.lines.reduce((m, l) => m + l.quantity, 0), 0) ?? 0;

export function useSetCartQuantity() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { shopId: string; skuId: string; quantity: number; add?: boolean }) =>
      call(api.PUT('/api/me/cart/items', { body: { add: false, ...body } })),
    // A new quantity shows at once; the server's cart replaces it when it answers.
    onMutate: async (body) => {
      if (body.add) return;
      await qc.cancelQueries({ queryKey: keys.cart });
      qc.setQueryData(keys.cart, (old: Cart | undefined) =>
        old
          ? {
              groups: old.groups.map((g) =>
                g.shopId !== body.shopId
                  ? g
                  : {
                      ...g,
                      lines: g.lines.map((l) => (l.skuId === body.skuId ? { ...l, quantity: body.quantity } : l)),
                    },
              ),
            }
          : old,
      );
    },
    onSuccess: (cart) => qc.setQueryData(keys.cart, cart),
    onError: () => qc.invalidateQueries({ queryKey: keys.cart }),
  });
}

export function useRemoveFromCart() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (lines: { shopId: string; skuId: string }[]) =>
      call(api.POST('/api/me/cart/remove', { body: { lines } })),
    onSuccess: (cart) => qc.setQueryData(keys.cart, cart),
  });
}

export function useAddresses() {
  return useQuery({ queryKey: keys.addresses, queryFn: async () => (await call(api.GET('/api/me/addresses'))).items });
}

export function useSaveAddress() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: AddressBody }) =>
      id
        ? call(api.PUT('/api/me/addresses/{addressId}', { params: { path: { addressId: id } }, body }))
        : call(api.POST('/api/me/addresses', { body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.addresses }),
  });
}

export function useDeleteAddress() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      call(api.DELETE('/api/me/addresses/{addressId}', { params: { path: { addressId: id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.addresses }),
  });
}

export function usePreview(lines: CheckoutLine[]) {
  return useQuery({
    queryKey: keys.preview(lines),
    queryFn: () => call(api.POST('/api/checkout/preview', { body: { lines } })),
    enabled: lines.length > 0,
    staleTime: 0,
  });
}

export function usePlaceOrder() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: { body: CheckoutBody; idempotencyKey: string }) =>
      call(api.POST('/api/checkout', { body, headers: { 'Idempotency-Key': idempotencyKey } })),
    onSuccess: (_data, { body }) => {
      void qc.invalidateQueries({ queryKey: keys.ordersAll });
      if (body.fromCart) void qc.invalidateQueries({ queryKey: keys.cart });
    },
  });
}

/** The shopper's orders; `pollWhile` keeps looking again every 1.5 s while it holds for what was fetched. */
export function useOrders(status: OrderStatus | 'all', opts: { pollWhile?: (orders: Order[]) => boolean } = {}) {
  return useInfiniteQuery({
    queryKey: keys.orders(status),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/me/orders', {
          params: { query: { limit: 10, cursor: pageParam, status: status === 'all' ? undefined : status } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: (query) =>
      opts.pollWhile?.(query.state.data?.pages.flatMap((p) => p.items) ?? []) ? 1500 : false,
    // Orders move on the merchant's and the payment provider's side: show what is cached, then look again.
    staleTime: 0,
  });
}

export function useOrder(shopId: string, orderId: string) {
  return useQuery({
    queryKey: keys.order(shopId, orderId),
    queryFn: () => call(api.GET('/api/me/orders/{shopId}/{orderId}', { params: { path: { shopId, orderId } } })),
    staleTime: 0,
  });
}

/** After an order changes: its detail, every order list and the after-sales list are stale. */
function useOrderChanged() {
  const qc = useQueryClient();
  return (order: OrderDetail) => {
    qc.setQueryData(keys.order(order.shopId, order.id), (old: OrderDetail | undefined) => ({
      ...order,
      shopName: order.shopName ?? old?.shopName ?? null,
    }));
    void qc.invalidateQueries({ queryKey: keys.ordersAll });
  };
}

export function useCancelOrder() {
  const changed = useOrderChanged();
  return useMutation({
    mutationFn: (o: { shopId: string; id: string }) =>
      call(
        api.POST('/api/me/orders/{shopId}/{orderId}/cancel', { params: { path: { shopId: o.shopId, orderId: o.id } } }),
      ),
    onSuccess: changed,
  });
}

export function useConfirmReceipt() {
  const changed = useOrderChanged();
  return useMutation({
    mutationFn: (o: { shopId: string; id: string }) =>
      call(
        api.POST('/api/me/orders/{shopId}/{orderId}/confirm-receipt', {
          params: { path: { shopId: o.shopId, orderId: o.id } },
        }),
      ),
    onSuccess: changed,
  });
}

/** Where to pay a pending payment now. */
export async function payUrlFor(paymentId: string): Promise<string | null> {
  const payment = await call(api.GET('/api/me/payments/{paymentId}', { params: { path: { paymentId } } }));
  return payment.payUrl;
}

export function useAftersales() {
  return useQuery({
    queryKey: keys.aftersales,
    queryFn: async () => (await call(api.GET('/api/me/aftersales'))).items,
    staleTime: 0,
  });
}

/**
 * One case. While it waits on the merchant or the payment provider it is looked at again
 * every few seconds (only while the page is visible), so the shopper sees it move.
 */
export function useAftersale(shopId: string, caseId: string) {
  return useQuery({
    queryKey: keys.aftersale(shopId, caseId),
    queryFn: () => call(api.GET('/api/me/aftersales/{shopId}/{caseId}', { params: { path: { shopId, caseId } } })),
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      if (status === 'refunding') return 1500;
      if (status === 'requested' || status === 'returned') return 3000;
      return false;
    },
    staleTime: 0,
  });
}

function useAftersaleChanged() {
  const qc = useQueryClient();
  return (c: Aftersale) => {
    qc.setQueryData(keys.aftersale(c.shopId, c.id), c);
    void qc.invalidateQueries({ queryKey: keys.aftersales });
    void qc.invalidateQueries({ queryKey: keys.order(c.shopId, c.orderId) });
    void qc.invalidateQueries({ queryKey: keys.ordersAll });
  };
}

export function useRequestAftersale() {
  const changed = useAftersaleChanged();
  return useMutation({
    mutationFn: ({ shopId, orderId, body }: { shopId: string; orderId: string; body: AftersaleBody }) =>
      call(api.POST('/api/me/orders/{shopId}/{orderId}/aftersales', { params: { path: { shopId, orderId } }, body })),
    onSuccess: changed,
  });
}

export function useReturnGoods() {
  const changed = useAftersaleChanged();
  return useMutation({
    mutationFn: ({
      shopId,
      caseId,
      body,
    }: {
      shopId: string;
      caseId: string;
      body: { carrier: string; trackingNo: string };
    }) => call(api.POST('/api/me/aftersales/{shopId}/{caseId}/return', { params: { path: { shopId, caseId } }, body })),
    onSuccess: changed,
  });
}

export function useCancelAftersale() {
  const changed = useAftersaleChanged();
  return useMutation({
    mutationFn: ({ shopId, caseId }: { shopId: string; caseId: string }) =>
      call(api.POST('/api/me/aftersales/{shopId}/{caseId}/cancel', { params: { path: { shopId, caseId } } })),
    onSuccess: changed,
  });
}

export type ShopHome = ResponseOf<'/api/storefront/shops/{shopId}/home', 'get'>;

/** A shop's storefront home: the shop, its decoration, categories and best sellers. */
export function useShopHome(shopId: string) {
  return useQuery({
    queryKey: keys.shopHome(shopId),
    queryFn: () => call(api.GET('/api/storefront/shops/{shopId}/home', { params: { path: { shopId } } })),
    enabled: !!shopId,
    staleTime: 60_000,
  });
}

export type ShopSummary = ResponseOf<'/api/storefront/shops/{shopId}/summary', 'get'>;

/** The shop's name, logo and followers, for pages other than its home (no visit, no placements). */
export function useShopSummary(shopId: string) {
  return useQuery({
    queryKey: keys.shopSummary(shopId),
    queryFn: () => call(api.GET('/api/storefront/shops/{shopId}/summary', { params: { path: { shopId } } })),
    enabled: !!shopId,
    staleTime: 60_000,
  });
}

export function useFollow(shopId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (follow: boolean) =>
      call(
        follow
          ? api.POST('/api/storefront/shops/{shopId}/follow', { params: { path: { shopId } } })
          : api.DELETE('/api/storefront/shops/{shopId}/follow', { params: { path: { shopId } } }),
      ),
    onSuccess: (state) => {
      qc.setQueryData(keys.shopHome(shopId), (old: ShopHome | undefined) =>
        old ? { ...old, shop: { ...old.shop, followed: state.followed, followers: state.followers } } : old,
      );
      qc.setQueryData(keys.shopSummary(shopId), (old: ShopSummary | undefined) =>
        old ? { ...old, followed: state.followed, followers: state.followers } : old,
      );
      void qc.invalidateQueries({ queryKey: keys.follows });
    },
  });
}

export function useFollows() {
  return useInfiniteQuery({
    queryKey: keys.follows,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => call(api.GET('/api/me/follows', { params: { query: { cursor: pageParam } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

// ---- product favourites (收藏)

export type FavouriteState = ResponseOf<'/api/storefront/shops/{shopId}/products/{productId}/favourite', 'get'>;
export type Favourite = ResponseOf<'/api/me/favourites', 'get'>['items'][number];

export const favouriteKeys = {
  state: (shopId: string, productId: string) => ['m', 'favourite', shopId, productId] as const,
  mine: ['m', 'favourites'] as const,
};

/** Whether the shopper has favourited the product (false when signed out), and how many have. */
export function useFavourite(shopId: string, productId: string) {
  return useQuery({
    queryKey: favouriteKeys.state(shopId, productId),
    queryFn: () =>
      call(
        api.GET('/api/storefront/shops/{shopId}/products/{productId}/favourite', {
          params: { path: { shopId, productId } },
        }),
      ),
    enabled: !!shopId && !!productId,
  });
}

export function useSetFavourite() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ shopId, productId, favourite }: { shopId: string; productId: string; favourite: boolean }) => {
      const params = { params: { path: { shopId, productId } } };
      return call(
        favourite
          ? api.PUT('/api/storefront/shops/{shopId}/products/{productId}/favourite', params)
          : api.DELETE('/api/storefront/shops/{shopId}/products/{productId}/favourite', params),
      );
    },
    onSuccess: (state, { shopId, productId }) => {
      qc.setQueryData(favouriteKeys.state(shopId, productId), state);
      // A removed favourite leaves the list at once; the list is fetched again either way.
      if (!state.favourited)
        qc.setQueryData(
          favouriteKeys.mine,
          (old: InfiniteData<{ items: Favourite[]; nextCursor: string | null }> | undefined) =>
            old
              ? {
                  ...old,
                  pages: old.pages.map((pg) => ({
                    ...pg,
                    items: pg.items.filter((f) => f.shopId !== shopId || f.productId !== productId),
                  })),
                }
              : old,
        );
      void qc.invalidateQueries({ queryKey: favouriteKeys.mine });
    },
  });
}

export function useFavourites() {
  return useInfiniteQuery({
    queryKey: favouriteKeys.mine,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => call(api.GET('/api/me/favourites', { params: { query: { cursor: pageParam } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 0,
  });
}
