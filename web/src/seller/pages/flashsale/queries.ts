/** Server state for the flash-sale screens, typed from the OpenAPI document. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../../api/client';
import type { BodyOf, ResponseOf } from '../../../api/types';

export type FlashSale = ResponseOf<'/api/shops/{shopId}/flash-sales/{saleId}', 'get'>;
export type FlashSaleInput = BodyOf<'/api/shops/{shopId}/flash-sales', 'post'>;
export type FlashSaleUpdate = BodyOf<'/api/shops/{shopId}/flash-sales/{saleId}', 'patch'>;
export type Phase = FlashSale['phase'];

const keys = {
  all: (shopId: string) => ['shop', shopId, 'flash-sales'] as const,
};

/** The shop's flash sales with live counters (refreshed every 2 s while the page is open). */
export function useFlashSales(shopId: string) {
  return useQuery({
    queryKey: keys.all(shopId),
    queryFn: () =>
      call(api.GET('/api/shops/{shopId}/flash-sales', { params: { path: { shopId }, query: { limit: 100 } } })),
    refetchInterval: 2000,
  });
}

export function useSaveFlashSale(shopId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, create, update }: { id?: string; create?: FlashSaleInput; update?: FlashSaleUpdate }) =>
      id
        ? call(
            api.PATCH('/api/shops/{shopId}/flash-sales/{saleId}', {
              params: { path: { shopId, saleId: id } },
              body: update!,
            }),
          )
        : call(api.POST('/api/shops/{shopId}/flash-sales', { params: { path: { shopId } }, body: create! })),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.all(shopId) }),
  });
}

export function useFlashSaleAction(shopId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'start' | 'end' }) =>
      action === 'start'
        ? call(api.POST('/api/shops/{shopId}/flash-sales/{saleId}/start', { params: { path: { shopId, saleId: id } } }))
        : call(api.POST('/api/shops/{shopId}/flash-sales/{saleId}/end', { params: { path: { shopId, saleId: id } } })),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.all(shopId) }),
  });
}
