/** Server state for the strategy center, typed from the OpenAPI document. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../../api/client';
import type { BodyOf, ResponseOf } from '../../../api/types';

export type Strategy = ResponseOf<'/api/shops/{shopId}/strategies/{strategyId}', 'get'>;
export type StrategyInput = BodyOf<'/api/shops/{shopId}/strategies', 'post'>;
export type StrategyStatus = Strategy['status'];
export type StrategyOptions = ResponseOf<'/api/shops/{shopId}/strategy-options', 'get'>;
export type StrategyReport = ResponseOf<'/api/shops/{shopId}/strategies/{strategyId}/report', 'get'>;
export type ReportArm = StrategyReport['arms'][number];

export const HERO_BANNER = 'shop_home.hero_banner';
export const STATUSES: StrategyStatus[] = ['draft', 'active', 'paused', 'ended'];

const keys = {
  all: (shopId: string) => ['shop', shopId, 'strategies'] as const,
  list: (shopId: string, status?: string) => ['shop', shopId, 'strategies', 'list', status ?? 'all'] as const,
  one: (shopId: string, id: string) => ['shop', shopId, 'strategies', 'one', id] as const,
  report: (shopId: string, id: string) => ['shop', shopId, 'strategies', 'report', id] as const,
  options: (shopId: string) => ['shop', shopId, 'strategy-options'] as const,
};

export function useStrategies(shopId: string, status?: StrategyStatus) {
  return useQuery({
    queryKey: keys.list(shopId, status),
    queryFn: () =>
      call(
        api.GET('/api/shops/{shopId}/strategies', {
          params: { path: { shopId }, query: { limit: 100, ...(status ? { status } : {}) } },
        }),
      ),
  });
}

export function useStrategy(shopId: string, id: string | undefined) {
  return useQuery({
    queryKey: keys.one(shopId, id ?? 'new'),
    enabled: !!id,
    queryFn: () =>
      call(api.GET('/api/shops/{shopId}/strategies/{strategyId}', { params: { path: { shopId, strategyId: id! } } })),
  });
}

export function useStrategyOptions(shopId: string) {
  return useQuery({
    queryKey: keys.options(shopId),
    queryFn: () => call(api.GET('/api/shops/{shopId}/strategy-options', { params: { path: { shopId } } })),
  });
}

export function useStrategyReport(shopId: string, id: string) {
  return useQuery({
    queryKey: keys.report(shopId, id),
    queryFn: () =>
      call(
        api.GET('/api/shops/{shopId}/strategies/{strategyId}/report', { params: { path: { shopId, strategyId: id } } }),
      ),
  });
}

export function useSaveStrategy(shopId: string, id: string | undefined) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: StrategyInput) =>
      id
        ? call(
            api.PUT('/api/shops/{shopId}/strategies/{strategyId}', {
              params: { path: { shopId, strategyId: id } },
              body,
            }),
          )
        : call(api.POST('/api/shops/{shopId}/strategies', { params: { path: { shopId } }, body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.all(shopId) }),
  });
}

export function useSetStrategyStatus(shopId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, status }: { id: string; status: 'active' | 'paused' | 'ended' }) =>
      call(
        api.POST('/api/shops/{shopId}/strategies/{strategyId}/status', {
          params: { path: { shopId, strategyId: id } },
          body: { status },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.all(shopId) }),
  });
}

/** The shop's products for the product picker (newest first, searchable). */
export function useProductChoices(shopId: string, q: string) {
  return useQuery({
    queryKey: ['shop', shopId, 'strategy-product-choices', q],
    queryFn: () =>
      call(
        api.GET('/api/shops/{shopId}/products', {
          params: { path: { shopId }, query: { limit: 50, ...(q ? { q } : {}) } },
        }),
      ),
  });
}
