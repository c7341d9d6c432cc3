/** Server state for the customer center, typed from the OpenAPI document. */
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../../api/client';
import type { BodyOf, ResponseOf } from '../../../api/types';

export type Customer = ResponseOf<'/api/shops/{shopId}/customers', 'get'>['items'][number];
export type CustomerDetail = ResponseOf<'/api/shops/{shopId}/customers/{customerNo}', 'get'>;
export type CustomerTag = ResponseOf<'/api/shops/{shopId}/customer-tags', 'get'>['items'][number];
export type Segment = ResponseOf<'/api/shops/{shopId}/customer-segments/{segmentId}', 'get'>;
export type Rule = BodyOf<'/api/shops/{shopId}/customer-segments', 'post'>['rule'];
export type Insight = ResponseOf<'/api/shops/{shopId}/customer-insight', 'get'>;
export type RfmResult = ResponseOf<'/api/shops/{shopId}/customer-segments/rfm-clusters', 'post'>;
export type CustomerFilters = {
  q?: string;
  gender?: 'female' | 'male';
  region?: string;
  buyers?: 'true' | 'false';
  tag?: string;
  segmentId?: string;
};

const keys = {
  all: (shopId: string) => ['shop', shopId, 'customers'] as const,
  list: (shopId: string, f: CustomerFilters) => ['shop', shopId, 'customers', 'list', f] as const,
  one: (shopId: string, no: number) => ['shop', shopId, 'customers', 'one', no] as const,
  tags: (shopId: string) => ['shop', shopId, 'customers', 'tags'] as const,
  segments: (shopId: string) => ['shop', shopId, 'customers', 'segments'] as const,
  segment: (shopId: string, id: string) => ['shop', shopId, 'customers', 'segment', id] as const,
  preview: (shopId: string, rule: string) => ['shop', shopId, 'customers', 'preview', rule] as const,
  insight: (shopId: string, target: string) => ['shop', shopId, 'customers', 'insight', target] as const,
};

export function useCustomers(shopId: string, filters: CustomerFilters) {
  return useInfiniteQuery({
    queryKey: keys.list(shopId, filters),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/shops/{shopId}/customers', {
          params: { path: { shopId }, query: { limit: 20, ...filters, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useCustomer(shopId: string, customerNo: number | null) {
  return useQuery({
    queryKey: keys.one(shopId, customerNo ?? 0),
    enabled: customerNo !== null,
    queryFn: () =>
      call(
        api.GET('/api/shops/{shopId}/customers/{customerNo}', {
          params: { path: { shopId, customerNo: customerNo! } },
        }),
      ),
  });
}

export function useUpdateCustomer(shopId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { customerNo: number; body: BodyOf<'/api/shops/{shopId}/customers/{customerNo}', 'patch'> }) =>
      call(
        api.PATCH('/api/shops/{shopId}/customers/{customerNo}', {
          params: { path: { shopId, customerNo: v.customerNo } },
          body: v.body,
        }),
      ),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.all(shopId) }),
  });
}

export function useTags(shopId: string) {
  return useQuery({
    queryKey: keys.tags(shopId),
    queryFn: async () =>
      (await call(api.GET('/api/shops/{shopId}/customer-tags', { params: { path: { shopId } } }))).items,
  });
}

export function useCreateTag(shopId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: BodyOf<'/api/shops/{shopId}/customer-tags', 'post'>) =>
      call(api.POST('/api/shops/{shopId}/customer-tags', { params: { path: { shopId } }, body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.all(shopId) }),
  });
}

export function useDeleteTag(shopId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (tagId: string) =>
      call(api.DELETE('/api/shops/{shopId}/customer-tags/{tagId}', { params: { path: { shopId, tagId } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.all(shopId) }),
  });
}

export function useImportTag(shopId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { tagId?: string; name?: string; csv: string; partial: boolean }) =>
      v.tagId
        ? call(
            api.POST('/api/shops/{shopId}/customer-tags/{tagId}/import', {
              params: { path: { shopId, tagId: v.tagId } },
              body: { csv: v.csv, partial: v.partial },
            }),
          )
        : call(
            api.POST('/api/shops/{shopId}/customer-tags/import', {
              params: { path: { shopId } },
              body: { csv: v.csv, partial: v.partial, name: v.name ?? 'CSV' },
            }),
          ),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.all(shopId) }),
  });
}

export function useSegments(shopId: string) {
  return useQuery({
    queryKey: keys.segments(shopId),
    queryFn: async () =>
      (await call(api.GET('/api/shops/{shopId}/customer-segments', { params: { path: { shopId } } }))).items,
  });
}

export function useSegment(shopId: string, id: string | undefined) {
  return useQuery({
    queryKey: keys.segment(shopId, id ?? 'new'),
    enabled: !!id,
    queryFn: () =>
      call(
        api.GET('/api/shops/{shopId}/customer-segments/{segmentId}', {
          params: { path: { shopId, segmentId: id! } },
        }),
      ),
  });
}

/** The live count of a rule while it is edited (the caller debounces). */
export function usePreview(shopId: string, rule: Rule | null) {
  const text = rule ? JSON.stringify(rule) : '';
  return useQuery({
    queryKey: keys.preview(shopId, text),
    enabled: !!rule,
    placeholderData: keepPreviousData,
    retry: false,
    queryFn: () =>
      call(
        api.POST('/api/shops/{shopId}/customer-segments/preview', {
          params: { path: { shopId } },
          body: { rule: rule! },
        }),
      ),
  });
}

export function useSaveSegment(shopId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id?: string; name: string; rule: Rule }) =>
      v.id
        ? call(
            api.PUT('/api/shops/{shopId}/customer-segments/{segmentId}', {
              params: { path: { shopId, segmentId: v.id } },
              body: { name: v.name, rule: v.rule },
            }),
          )
        : call(
            api.POST('/api/shops/{shopId}/customer-segments', {
              params: { path: { shopId } },
              body: { name: v.name, rule: v.rule },
            }),
          ),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.all(shopId) }),
  });
}

export function useDeleteSegment(shopId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      call(
        api.DELETE('/api/shops/{shopId}/customer-segments/{segmentId}', {
          params: { path: { shopId, segmentId: id } },
        }),
      ),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.all(shopId) }),
  });
}

export function useSnapshot(shopId: string) {
  return useMutation({
    mutationFn: (id: string) =>
      call(
        api.POST('/api/shops/{shopId}/customer-segments/{segmentId}/snapshots', {
          params: { path: { shopId, segmentId: id } },
        }),
      ),
  });
}

export function useLookalike(shopId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: BodyOf<'/api/shops/{shopId}/customer-segments/lookalike', 'post'>) =>
      call(api.POST('/api/shops/{shopId}/customer-segments/lookalike', { params: { path: { shopId } }, body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.all(shopId) }),
  });
}

export function useRfmClusters(shopId: string) {
  return useMutation({
    mutationFn: (k: number) =>
      call(
        api.POST('/api/shops/{shopId}/customer-segments/rfm-clusters', {
          params: { path: { shopId } },
          body: { k },
        }),
      ),
  });
}

export function useSaveCluster(shopId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: BodyOf<'/api/shops/{shopId}/customer-segments/rfm-clusters/save', 'post'>) =>
      call(api.POST('/api/shops/{shopId}/customer-segments/rfm-clusters/save', { params: { path: { shopId } }, body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.all(shopId) }),
  });
}

export function useInsight(
  shopId: string,
  target: { segmentId?: string; view?: 'all' | 'visitors' | 'buyers' | 'churned' },
) {
  return useQuery({
    queryKey: keys.insight(shopId, target.segmentId ?? target.view ?? 'all'),
    queryFn: () =>
      call(api.GET('/api/shops/{shopId}/customer-insight', { params: { path: { shopId }, query: target } })),
  });
}

/** The export is a plain link: the browser downloads it with the session cookie. */
export const exportUrl = (shopId: string, segmentId: string) =>
  `/api/shops/${shopId}/customer-segments/${segmentId}/export`;
