/** Server state of the store desk, typed from the OpenAPI document. */
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../../api/client';
import type { BodyOf, ResponseOf } from '../../../api/types';

export type Store = ResponseOf<'/api/shops/{shopId}/o2o/stores', 'get'>['items'][number];
export type Pickup = ResponseOf<'/api/shops/{shopId}/o2o/stores/{locationId}/pickups', 'get'>['items'][number];
export type PickupStatus = Pickup['status'];
export type Pool = ResponseOf<'/api/shops/{shopId}/o2o/stores/{locationId}/pool', 'get'>;
export type StoreParcel = ResponseOf<'/api/shops/{shopId}/o2o/stores/{locationId}/shipments', 'get'>['items'][number];
export type Guide = ResponseOf<'/api/shops/{shopId}/o2o/guides', 'get'>['items'][number];
export type GuideInput = BodyOf<'/api/shops/{shopId}/o2o/guides', 'post'>;

const key = {
  all: (shopId: string) => ['shop', shopId, 'o2o'] as const,
  stores: (shopId: string) => ['shop', shopId, 'o2o', 'stores'] as const,
  settings: (shopId: string) => ['shop', shopId, 'o2o', 'settings'] as const,
  pickups: (shopId: string, loc: string, status?: PickupStatus) =>
    ['shop', shopId, 'o2o', loc, 'pickups', status ?? 'all'] as const,
  pool: (shopId: string, loc: string) => ['shop', shopId, 'o2o', loc, 'pool'] as const,
  parcels: (shopId: string, loc: string) => ['shop', shopId, 'o2o', loc, 'parcels'] as const,
  perf: (shopId: string, loc: string, from: string, to: string) =>
    ['shop', shopId, 'o2o', loc, 'perf', from, to] as const,
  shelf: (shopId: string, loc: string, q: string, guide: string) =>
    ['shop', shopId, 'o2o', loc, 'shelf', q, guide] as const,
  guides: (shopId: string, loc: string) => ['shop', shopId, 'o2o', 'guides', loc] as const,
  staff: (shopId: string, loc: string) => ['shop', shopId, 'o2o', loc, 'staff'] as const,
};

export function useMyStores(shopId: string) {
  return useQuery({
    queryKey: key.stores(shopId),
    queryFn: async () =>
      (await call(api.GET('/api/shops/{shopId}/o2o/stores', { params: { path: { shopId } } }))).items,
  });
}

export function useO2oSettings(shopId: string) {
  return useQuery({
    queryKey: key.settings(shopId),
    queryFn: () => call(api.GET('/api/shops/{shopId}/o2o/settings', { params: { path: { shopId } } })),
  });
}

export function useSaveO2oSettings(shopId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { pickupTimeoutHours: number }) =>
      call(api.PUT('/api/shops/{shopId}/o2o/settings', { params: { path: { shopId } }, body })),
    onSuccess: (data) => qc.setQueryData(key.settings(shopId), data),
  });
}

export function usePickups(shopId: string, locationId: string, status?: PickupStatus) {
  return useInfiniteQuery({
    queryKey: key.pickups(shopId, locationId, status),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/shops/{shopId}/o2o/stores/{locationId}/pickups', {
          params: { path: { shopId, locationId }, query: { status, cursor: pageParam, limit: 20 } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
}

export function useVerifyPickup(shopId: string, locationId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (code: string) =>
      call(
        api.POST('/api/shops/{shopId}/o2o/stores/{locationId}/pickups/verify', {
          params: { path: { shopId, locationId } },
          body: { code },
          // A retried request (a flaky shop Wi-Fi) hands the order over once.
          headers: { 'idempotency-key': `verify-${crypto.randomUUID()}` },
        }),
      ),
    onSettled: () => qc.invalidateQueries({ queryKey: key.all(shopId) }),
  });
}

export function usePool(shopId: string, locationId: string) {
  return useQuery({
    queryKey: key.pool(shopId, locationId),
    queryFn: () =>
      call(api.GET('/api/shops/{shopId}/o2o/stores/{locationId}/pool', { params: { path: { shopId, locationId } } })),
    refetchInterval: 10_000,
  });
}

export function useAcceptPooled(shopId: string, locationId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (shipmentId: string) =>
      call(
        api.POST('/api/shops/{shopId}/o2o/stores/{locationId}/pool/{shipmentId}/accept', {
          params: { path: { shopId, locationId, shipmentId } },
        }),
      ),
    onSettled: () => qc.invalidateQueries({ queryKey: key.all(shopId) }),
  });
}

export function useStoreParcels(shopId: string, locationId: string) {
  return useQuery({
    queryKey: key.parcels(shopId, locationId),
    queryFn: async () =>
      (
        await call(
          api.GET('/api/shops/{shopId}/o2o/stores/{locationId}/shipments', {
            params: { path: { shopId, locationId } },
          }),
        )
      ).items,
    refetchInterval: 30_000,
  });
}

export function useShipFromStore(shopId: string, locationId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ shipmentId, ...body }: { shipmentId: string; carrier: string; trackingNo: string }) =>
      call(
        api.POST('/api/shops/{shopId}/o2o/stores/{locationId}/shipments/{shipmentId}/ship', {
          params: { path: { shopId, locationId, shipmentId } },
          body,
        }),
      ),
    onSettled: () => qc.invalidateQueries({ queryKey: key.all(shopId) }),
  });
}

export function usePerformance(shopId: string, locationId: string, from: string, to: string) {
  return useQuery({
    queryKey: key.perf(shopId, locationId, from, to),
    queryFn: () =>
      call(
        api.GET('/api/shops/{shopId}/o2o/stores/{locationId}/performance', {
          params: { path: { shopId, locationId }, query: { from, to } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function useShelfCodes(shopId: string, locationId: string, q: string, guideCode: string) {
  return useInfiniteQuery({
    queryKey: key.shelf(shopId, locationId, q, guideCode),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/shops/{shopId}/o2o/stores/{locationId}/shelf-codes', {
          params: {
            path: { shopId, locationId },
            query: { cursor: pageParam, limit: 24, q: q || undefined, guideCode: guideCode || undefined },
          },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useGuides(shopId: string, locationId: string) {
  return useQuery({
    queryKey: key.guides(shopId, locationId),
    queryFn: async () =>
      (await call(api.GET('/api/shops/{shopId}/o2o/guides', { params: { path: { shopId }, query: { locationId } } })))
        .items,
  });
}

export function useSaveGuide(shopId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: Partial<GuideInput> & { id?: string; active?: boolean }) =>
      id
        ? call(
            api.PATCH('/api/shops/{shopId}/o2o/guides/{guideId}', { params: { path: { shopId, guideId: id } }, body }),
          )
        : call(api.POST('/api/shops/{shopId}/o2o/guides', { params: { path: { shopId } }, body: body as GuideInput })),
    onSettled: () => qc.invalidateQueries({ queryKey: key.all(shopId) }),
  });
}

export function useStoreStaff(shopId: string, locationId: string) {
  return useQuery({
    queryKey: key.staff(shopId, locationId),
    queryFn: () =>
      call(api.GET('/api/shops/{shopId}/o2o/stores/{locationId}/staff', { params: { path: { shopId, locationId } } })),
  });
}

export function useSetStoreStaff(shopId: string, locationId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (accountIds: string[]) =>
      call(
        api.PUT('/api/shops/{shopId}/o2o/stores/{locationId}/staff', {
          params: { path: { shopId, locationId } },
          body: { accountIds },
        }),
      ),
    onSuccess: (data) => qc.setQueryData(key.staff(shopId, locationId), data),
  });
}
