/** Server state for the Qimen (奇门) screens: partners and the message log, typed from the OpenAPI document. */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../../api/client';
import type { BodyOf, ResponseOf } from '../../../api/types';

export type Partner = ResponseOf<'/api/shops/{shopId}/qimen/partners/{partnerId}', 'get'>;
export type PartnerInput = BodyOf<'/api/shops/{shopId}/qimen/partners', 'post'>;
export type SignMethod = Partner['signMethod'];
export type MessageSummary = ResponseOf<'/api/shops/{shopId}/qimen/messages', 'get'>['items'][number];
export type MessageDetail = ResponseOf<'/api/shops/{shopId}/qimen/messages/{qimenMessageId}', 'get'>;
export type MessageStatus = MessageSummary['status'];
export type Location = ResponseOf<'/api/shops/{shopId}/locations', 'get'>['items'][number];

export const SIGN_METHODS: SignMethod[] = ['md5', 'hmac', 'hmac-sha256'];
/** A partner's router calls a minute: the server's default and bounds. */
export const DEFAULT_CALLS_PER_MINUTE = 6000;
export const MAX_CALLS_PER_MINUTE = 10_000_000;
export const MESSAGE_STATUSES: MessageStatus[] = [
  'succeeded',
  'failed',
  'duplicate',
  'queued',
  'retrying',
  'sent',
  'dead',
  'cancelled',
];
export const METHODS = [
  'deliveryorder.create',
  'order.cancel',
  'deliveryorder.confirm',
  'entryorder.confirm',
  'returnorder.confirm',
  'stockchange.report',
  'inventory.report',
  'inventory.query',
  'singleitem.synchronize',
];

export interface MessageFilters {
  direction?: 'in' | 'out';
  method?: string;
  status?: MessageStatus;
}

const keys = {
  partners: (shopId: string) => ['shop', shopId, 'qimen', 'partners'] as const,
  messages: (shopId: string, f?: MessageFilters) => ['shop', shopId, 'qimen', 'messages', f ?? {}] as const,
  message: (shopId: string, id: string) => ['shop', shopId, 'qimen', 'message', id] as const,
  locations: (shopId: string) => ['shop', shopId, 'locations'] as const,
};

export function usePartners(shopId: string) {
  return useQuery({
    queryKey: keys.partners(shopId),
    queryFn: async () =>
      (await call(api.GET('/api/shops/{shopId}/qimen/partners', { params: { path: { shopId } } }))).items,
  });
}

export function useWarehouses(shopId: string) {
  return useQuery({
    queryKey: keys.locations(shopId),
    queryFn: async () =>
      (await call(api.GET('/api/shops/{shopId}/locations', { params: { path: { shopId }, query: {} } }))).items,
  });
}

export function useSavePartner(shopId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, input }: { id?: string; input: PartnerInput }) => {
      if (id) {
        const { appKey: _ignored, ...rest } = input;
        const partner = await call(
          api.PUT('/api/shops/{shopId}/qimen/partners/{partnerId}', {
            params: { path: { shopId, partnerId: id } },
            body: rest,
          }),
        );
        return { partner, secret: null as string | null };
      }
      return call(api.POST('/api/shops/{shopId}/qimen/partners', { params: { path: { shopId } }, body: input }));
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.partners(shopId) }),
  });
}

export function useRotateSecret(shopId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (partnerId: string) =>
      call(
        api.POST('/api/shops/{shopId}/qimen/partners/{partnerId}/rotate-secret', {
          params: { path: { shopId, partnerId } },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.partners(shopId) }),
  });
}

export function useMessages(shopId: string, filters: MessageFilters) {
  return useInfiniteQuery({
    queryKey: keys.messages(shopId, filters),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/shops/{shopId}/qimen/messages', {
          params: { path: { shopId }, query: { limit: 30, ...filters, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // Messages arrive by themselves (the WMS calls, retries run): keep the log fresh.
    refetchInterval: 5000,
  });
}

export function useMessage(shopId: string, id: string | null) {
  return useQuery({
    queryKey: keys.message(shopId, id ?? ''),
    enabled: !!id,
    queryFn: () =>
      call(
        api.GET('/api/shops/{shopId}/qimen/messages/{qimenMessageId}', {
          params: { path: { shopId, qimenMessageId: id! } },
        }),
      ),
  });
}

export function useResend(shopId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      call(
        api.POST('/api/shops/{shopId}/qimen/messages/{qimenMessageId}/resend', {
          params: { path: { shopId, qimenMessageId: id } },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['shop', shopId, 'qimen'] }),
  });
}
