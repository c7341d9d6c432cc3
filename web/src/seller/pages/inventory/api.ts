/** Server state for the stock screens (locations, channels, levels, ledger, transfers, stocktakes, alerts). */
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../../api/client';
import type { BodyOf, ResponseOf } from '../../../api/types';

export type Location = ResponseOf<'/api/shops/{shopId}/locations', 'get'>['items'][number];
export type LocationBody = BodyOf<'/api/shops/{shopId}/locations', 'post'>;
export type Channel = ResponseOf<'/api/shops/{shopId}/channels', 'get'>['items'][number];
export type StockGrid = ResponseOf<'/api/shops/{shopId}/stock', 'get'>;
export type StockRow = StockGrid['items'][number];
export type Level = StockRow['levels'][number];
export type Movement = ResponseOf<'/api/shops/{shopId}/stock/{skuId}/{locationId}/ledger', 'get'>['items'][number];
export type Transfer = ResponseOf<'/api/shops/{shopId}/transfers/{transferId}', 'get'>;
export type TransferStatus = Transfer['status'];
export type TransferBody = BodyOf<'/api/shops/{shopId}/transfers', 'post'>;
export type Stocktake = ResponseOf<'/api/shops/{shopId}/stocktakes/{stocktakeId}', 'get'>;
export type StocktakeRow = ResponseOf<'/api/shops/{shopId}/stocktakes', 'get'>['items'][number];
export type LowStockRow = ResponseOf<'/api/shops/{shopId}/low-stock', 'get'>['items'][number];
export type AdjustReason = BodyOf<'/api/shops/{shopId}/stock/{skuId}/{locationId}/adjustments', 'post'>['reason'];

export const ADJUST_REASONS: AdjustReason[] = ['correction', 'received', 'damaged', 'lost', 'found', 'returned'];

export const ik = {
  all: (shopId: string) => ['shop', shopId, 'inventory'] as const,
  locations: (shopId: string) => ['shop', shopId, 'inventory', 'locations'] as const,
  channels: (shopId: string) => ['shop', shopId, 'inventory', 'channels'] as const,
  stock: (shopId: string, q: object) => ['shop', shopId, 'inventory', 'stock', q] as const,
  ledger: (shopId: string, skuId: string, locationId: string) =>
    ['shop', shopId, 'inventory', 'ledger', skuId, locationId] as const,
  transfers: (shopId: string, q: object) => ['shop', shopId, 'inventory', 'transfers', q] as const,
  stocktakes: (shopId: string) => ['shop', shopId, 'inventory', 'stocktakes'] as const,
  stocktake: (shopId: string, id: string) => ['shop', shopId, 'inventory', 'stocktake', id] as const,
  lowStock: (shopId: string, q: object) => ['shop', shopId, 'inventory', 'low', q] as const,
  lowCount: (shopId: string) => ['shop', shopId, 'inventory', 'lowCount'] as const,
  settings: (shopId: string) => ['shop', shopId, 'inventory', 'settings'] as const,
};

/** A fresh Idempotency-Key for one stock mutation (a retry of the same press replays it). */
const idem = () => ({ 'idempotency-key': `web-${crypto.randomUUID()}` });

function useInvalidateInventory(shopId: string) {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: ik.all(shopId) });
}

export function useLocations(shopId: string) {
  return useQuery({
    queryKey: ik.locations(shopId),
    queryFn: async () =>
      (await call(api.GET('/api/shops/{shopId}/locations', { params: { path: { shopId }, query: {} } }))).items,
  });
}

export function useSaveLocation(shopId: string) {
  const invalidate = useInvalidateInventory(shopId);
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: LocationBody }) =>
      id
        ? call(
            api.PUT('/api/shops/{shopId}/locations/{locationId}', {
              params: { path: { shopId, locationId: id } },
              body,
            }),
          )
        : call(api.POST('/api/shops/{shopId}/locations', { params: { path: { shopId } }, body })),
    onSuccess: invalidate,
  });
}

export function useChannels(shopId: string) {
  return useQuery({
    queryKey: ik.channels(shopId),
    queryFn: async () => (await call(api.GET('/api/shops/{shopId}/channels', { params: { path: { shopId } } }))).items,
  });
}

export function useSetChannelLocations(shopId: string) {
  const invalidate = useInvalidateInventory(shopId);
  return useMutation({
    mutationFn: ({ channelId, ...body }: { channelId: string; allShipLocations: boolean; locationIds: string[] }) =>
      call(
        api.PUT('/api/shops/{shopId}/channels/{channelId}/locations', {
          params: { path: { shopId, channelId } },
          body,
        }),
      ),
    onSuccess: invalidate,
  });
}

export function useStock(shopId: string, q: { q?: string; locationId?: string }) {
  return useInfiniteQuery({
    queryKey: ik.stock(shopId, q),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/shops/{shopId}/stock', {
          params: { path: { shopId }, query: { ...q, cursor: pageParam, limit: 20 } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useAdjust(shopId: string) {
  const invalidate = useInvalidateInventory(shopId);
  return useMutation({
    mutationFn: ({
      skuId,
      locationId,
      ...body
    }: {
      skuId: string;
      locationId: string;
      onHand?: number;
      delta?: number;
      reason: AdjustReason;
    }) =>
      call(
        api.POST('/api/shops/{shopId}/stock/{skuId}/{locationId}/adjustments', {
          params: { path: { shopId, skuId, locationId } },
          body,
          headers: idem(),
        }),
      ),
    onSuccess: invalidate,
  });
}

export function useLevelSettings(shopId: string) {
  const invalidate = useInvalidateInventory(shopId);
  return useMutation({
    mutationFn: ({
      skuId,
      locationId,
      ...body
    }: {
      skuId: string;
      locationId: string;
      safetyStock?: number;
      lowStockThreshold?: number | null;
    }) =>
      call(
        api.PATCH('/api/shops/{shopId}/stock/{skuId}/{locationId}', {
          params: { path: { shopId, skuId, locationId } },
          body,
        }),
      ),
    onSuccess: invalidate,
  });
}

export function useLedger(shopId: string, skuId: string, locationId: string, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: ik.ledger(shopId, skuId, locationId),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/shops/{shopId}/stock/{skuId}/{locationId}/ledger', {
          params: { path: { shopId, skuId, locationId }, query: { cursor: pageParam, limit: 20 } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
  });
}

export function useTransfers(shopId: string, q: { status?: TransferStatus }) {
  return useInfiniteQuery({
    queryKey: ik.transfers(shopId, q),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/shops/{shopId}/transfers', {
          params: { path: { shopId }, query: { ...q, cursor: pageParam, limit: 20 } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useCreateTransfer(shopId: string) {
  const invalidate = useInvalidateInventory(shopId);
  return useMutation({
    mutationFn: (body: TransferBody) =>
      call(api.POST('/api/shops/{shopId}/transfers', { params: { path: { shopId } }, body, headers: idem() })),
    onSuccess: invalidate,
  });
}

export function useTransferAction(shopId: string) {
  const invalidate = useInvalidateInventory(shopId);
  return useMutation({
    mutationFn: ({ transferId, action }: { transferId: string; action: 'ship' | 'receive' | 'cancel' }) => {
      const init = { params: { path: { shopId, transferId } }, headers: idem() };
      if (action === 'ship') return call(api.POST('/api/shops/{shopId}/transfers/{transferId}/ship', init));
      if (action === 'receive') return call(api.POST('/api/shops/{shopId}/transfers/{transferId}/receive', init));
      return call(api.POST('/api/shops/{shopId}/transfers/{transferId}/cancel', init));
    },
    onSuccess: invalidate,
  });
}

export function useStocktakes(shopId: string) {
  return useInfiniteQuery({
    queryKey: ik.stocktakes(shopId),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/shops/{shopId}/stocktakes', {
          params: { path: { shopId }, query: { cursor: pageParam, limit: 20 } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useStocktake(shopId: string, id: string | null) {
  return useQuery({
    queryKey: ik.stocktake(shopId, id ?? ''),
    queryFn: () =>
      call(api.GET('/api/shops/{shopId}/stocktakes/{stocktakeId}', { params: { path: { shopId, stocktakeId: id! } } })),
    enabled: !!id,
  });
}

export function useStartStocktake(shopId: string) {
  const invalidate = useInvalidateInventory(shopId);
  return useMutation({
    mutationFn: (body: { locationId: string; note?: string }) =>
      call(api.POST('/api/shops/{shopId}/stocktakes', { params: { path: { shopId } }, body })),
    onSuccess: invalidate,
  });
}

export function useStocktakeAction(shopId: string) {
  const invalidate = useInvalidateInventory(shopId);
  return useMutation({
    mutationFn: (
      a:
        | { stocktakeId: string; kind: 'counts'; counts: { skuId: string; counted: number | null }[] }
        | { stocktakeId: string; kind: 'import'; csv: string }
        | { stocktakeId: string; kind: 'apply' | 'cancel' },
    ) => {
      const path = { shopId, stocktakeId: a.stocktakeId };
      if (a.kind === 'counts')
        return call(
          api.PUT('/api/shops/{shopId}/stocktakes/{stocktakeId}/counts', {
            params: { path },
            body: { counts: a.counts },
          }),
        );
      if (a.kind === 'import')
        return call(
          api.POST('/api/shops/{shopId}/stocktakes/{stocktakeId}/import', { params: { path }, body: { csv: a.csv } }),
        );
      if (a.kind === 'apply')
        return call(
          api.POST('/api/shops/{shopId}/stocktakes/{stocktakeId}/apply', { params: { path }, headers: idem() }),
        );
      return call(api.POST('/api/shops/{shopId}/stocktakes/{stocktakeId}/cancel', { params: { path } }));
    },
    onSuccess: invalidate,
  });
}

export function useLowStock(shopId: string, q: { locationId?: string }) {
  return useInfiniteQuery({
    queryKey: ik.lowStock(shopId, q),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/shops/{shopId}/low-stock', {
          params: { path: { shopId }, query: { ...q, cursor: pageParam, limit: 20 } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** The nav badge: how many low-stock alerts the shop has. */
export function useLowStockCount(shopId: string | null, enabled: boolean) {
  return useQuery({
    queryKey: ik.lowCount(shopId ?? ''),
    queryFn: async () =>
      (await call(api.GET('/api/shops/{shopId}/low-stock/count', { params: { path: { shopId: shopId! } } }))).count,
    enabled: !!shopId && enabled,
    refetchInterval: 60_000,
  });
}

export function useInventorySettings(shopId: string) {
  return useQuery({
    queryKey: ik.settings(shopId),
    queryFn: () => call(api.GET('/api/shops/{shopId}/inventory-settings', { params: { path: { shopId } } })),
  });
}

export function useSaveInventorySettings(shopId: string) {
  const invalidate = useInvalidateInventory(shopId);
  return useMutation({
    mutationFn: (body: { lowStockThreshold: number | null }) =>
      call(api.PUT('/api/shops/{shopId}/inventory-settings', { params: { path: { shopId } }, body })),
    onSuccess: invalidate,
  });
}
