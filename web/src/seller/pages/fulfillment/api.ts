/** Server state for routing: the rule list, the dry run, an order's parcels and decisions, re-route and ship per parcel. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../../api/client';
import type { BodyOf, ResponseOf } from '../../../api/types';
import { ck } from '../../commerce';
import { fulfillmentDict } from './dict';
import type { SellerKey, SellerT } from '../../i18n';

export type RoutingRule = ResponseOf<'/api/shops/{shopId}/routing/rules', 'get'>['rules'][number];
export type RuleKind = RoutingRule['kind'];
export type DryRunBody = BodyOf<'/api/shops/{shopId}/routing/dry-run', 'post'>;
export type DryRun = ResponseOf<'/api/shops/{shopId}/routing/dry-run', 'post'>;
export type Step = DryRun['steps'][number];
export type OrderRouting = ResponseOf<'/api/shops/{shopId}/orders/{orderId}/shipments', 'get'>;
export type Shipment = OrderRouting['shipments'][number];
export type Decision = OrderRouting['decisions'][number];
export type City = ResponseOf<'/api/shops/{shopId}/routing/cities', 'get'>[number];

export const RULE_KINDS: RuleKind[] = [
  'single_location',
  'same_region',
  'nearest',
  'store_priority',
  'grab_pool',
  'split',
];

/** Parameters each rule takes, with their input bounds and defaults. */
export const RULE_PARAMS: Record<
  RuleKind,
  { key: string; min: number; max: number; default: number; boolean?: boolean }[]
> = {
  single_location: [],
  nearest: [],
  same_region: [],
  split: [],
  store_priority: [{ key: 'storesFirst', min: 0, max: 1, default: 1, boolean: true }],
  grab_pool: [
    { key: 'radiusKm', min: 1, max: 500, default: 10 },
    { key: 'timeoutMinutes', min: 1, max: 24 * 60, default: 30 },
  ],
};

/** A rule as added in the editor: on, with its default parameters. */
export const newRule = (kind: RuleKind): RoutingRule => ({
  kind,
  enabled: true,
  params: Object.fromEntries(RULE_PARAMS[kind].map((p) => [p.key, p.default])),
});

const fk = {
  rules: (shopId: string) => ['shop', shopId, 'routing', 'rules'] as const,
  cities: (shopId: string) => ['shop', shopId, 'routing', 'cities'] as const,
  order: (shopId: string, orderId: string) => ['shop', shopId, 'orders', 'routing', orderId] as const,
};

/** A fresh Idempotency-Key for one stock mutation. */
const idem = () => ({ 'idempotency-key': `web-${crypto.randomUUID()}` });

/** Text for a server explanation code (routing.*), with its params; the code itself if unknown. */
export function explain(t: SellerT, code: string, params?: Record<string, string | number>): string {
  return code in fulfillmentDict['zh-CN'] ? t(code as SellerKey, params) : code;
}

export function useRoutingRules(shopId: string) {
  return useQuery({
    queryKey: fk.rules(shopId),
    queryFn: async () =>
      (await call(api.GET('/api/shops/{shopId}/routing/rules', { params: { path: { shopId } } }))).rules,
  });
}

export function useSaveRules(shopId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (rules: RoutingRule[]) =>
      call(api.PUT('/api/shops/{shopId}/routing/rules', { params: { path: { shopId } }, body: { rules } })),
    onSuccess: (saved) => qc.setQueryData(fk.rules(shopId), saved.rules),
  });
}

export function useCities(shopId: string) {
  return useQuery({
    queryKey: fk.cities(shopId),
    queryFn: () => call(api.GET('/api/shops/{shopId}/routing/cities', { params: { path: { shopId } } })),
    staleTime: Infinity,
  });
}

export function useDryRun(shopId: string) {
  return useMutation({
    mutationFn: (body: DryRunBody) =>
      call(api.POST('/api/shops/{shopId}/routing/dry-run', { params: { path: { shopId } }, body })),
  });
}

export function useOrderRouting(shopId: string, orderId: string) {
  return useQuery({
    queryKey: fk.order(shopId, orderId),
    queryFn: () =>
      call(api.GET('/api/shops/{shopId}/orders/{orderId}/shipments', { params: { path: { shopId, orderId } } })),
    enabled: !!orderId,
    staleTime: 0,
  });
}

export function useReassign(shopId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ shipmentId, ...body }: { shipmentId: string; locationId: string; reason?: string }) =>
      call(
        api.POST('/api/shops/{shopId}/shipments/{shipmentId}/reassign', {
          params: { path: { shopId, shipmentId } },
          body,
          headers: idem(),
        }),
      ),
    onSettled: () => qc.invalidateQueries({ queryKey: ck.orders(shopId) }),
  });
}

export function useShipParcel(shopId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({
      orderId,
      shipmentId,
      ...body
    }: {
      orderId: string;
      shipmentId: string;
      carrier: string;
      trackingNo: string;
    }) =>
      call(
        api.POST('/api/shops/{shopId}/orders/{orderId}/shipments/{shipmentId}/ship', {
          params: { path: { shopId, orderId, shipmentId } },
          body,
          headers: idem(),
        }),
      ),
    onSuccess: (order) => qc.setQueryData(ck.order(shopId, order.id), order),
    onSettled: () => qc.invalidateQueries({ queryKey: ck.orders(shopId) }),
  });
}

export type Location = ResponseOf<'/api/shops/{shopId}/locations', 'get'>['items'][number];

/** The shop's locations (to re-route a parcel to). */
export function useLocationChoices(shopId: string, enabled: boolean) {
  return useQuery({
    queryKey: ['shop', shopId, 'inventory', 'locations', 'routing'] as const,
    queryFn: async () =>
      (await call(api.GET('/api/shops/{shopId}/locations', { params: { path: { shopId }, query: {} } }))).items,
    enabled,
  });
}
