import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../api/client';
import type { BodyOf } from '../api/types';

export const keys = {
  myShops: ['myShops'] as const,
  myInvitations: ['myInvitations'] as const,
  categories: ['shopCategories'] as const,
  roles: ['roles'] as const,
  shop: (shopId: string) => ['shop', shopId] as const,
  overview: (shopId: string) => ['shop', shopId, 'overview'] as const,
  members: (shopId: string) => ['shop', shopId, 'members'] as const,
  invitations: (shopId: string) => ['shop', shopId, 'invitations'] as const,
};

export function useMyShops(enabled = true) {
  return useQuery({
    queryKey: keys.myShops,
    queryFn: async () => (await call(api.GET('/api/me/shops'))).items,
    enabled,
  });
}

export function useMyInvitations(enabled = true) {
  return useQuery({
    queryKey: keys.myInvitations,
    queryFn: async () => (await call(api.GET('/api/me/invitations'))).items,
    enabled,
    refetchInterval: 60_000,
  });
}

export function useCategories() {
  return useQuery({
    queryKey: keys.categories,
    queryFn: async () => (await call(api.GET('/api/shop-categories'))).items,
    staleTime: 10 * 60_000,
  });
}

export function useRoles() {
  return useQuery({
    queryKey: keys.roles,
    queryFn: async () => (await call(api.GET('/api/roles'))).items,
    staleTime: 10 * 60_000,
  });
}

export function useOverview(shopId: string) {
  return useQuery({
    queryKey: keys.overview(shopId),
    queryFn: () => call(api.GET('/api/shops/{shopId}/overview', { params: { path: { shopId } } })),
  });
}

export function useMembers(shopId: string) {
  return useInfiniteQuery({
    queryKey: keys.members(shopId),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/shops/{shopId}/members', {
          params: { path: { shopId }, query: { limit: 100, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

export function useShopInvitations(shopId: string) {
  return useInfiniteQuery({
    queryKey: keys.invitations(shopId),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/shops/{shopId}/invitations', {
          params: { path: { shopId }, query: { limit: 100, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

export function useApplyForShop() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: BodyOf<'/api/shop-applications', 'post'>) => call(api.POST('/api/shop-applications', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.myShops }),
  });
}

export function useAnswerInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ invitationId, accept }: { invitationId: string; accept: boolean }) => {
      const params = { path: { invitationId } };
      if (accept) return call(api.POST('/api/me/invitations/{invitationId}/accept', { params }));
      await call(api.POST('/api/me/invitations/{invitationId}/decline', { params }));
      return null;
    },
    onSettled: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.myInvitations }),
        queryClient.invalidateQueries({ queryKey: keys.myShops }),
      ]);
    },
  });
}

export function useUpdateShop(shopId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: BodyOf<'/api/shops/{shopId}', 'patch'>) =>
      call(api.PATCH('/api/shops/{shopId}', { params: { path: { shopId } }, body })),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.myShops }),
        queryClient.invalidateQueries({ queryKey: keys.shop(shopId) }),
      ]),
  });
}

export function useChangeRole(shopId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({
      accountId,
      role,
    }: {
      accountId: string;
      role: BodyOf<'/api/shops/{shopId}/members/{accountId}', 'patch'>['role'];
    }) =>
      call(
        api.PATCH('/api/shops/{shopId}/members/{accountId}', {
          params: { path: { shopId, accountId } },
          body: { role },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.shop(shopId) }),
  });
}

export function useRemoveMember(shopId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (accountId: string) =>
      call(api.DELETE('/api/shops/{shopId}/members/{accountId}', { params: { path: { shopId, accountId } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.shop(shopId) }),
  });
}

export function useInvite(shopId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: BodyOf<'/api/shops/{shopId}/invitations', 'post'>) =>
      call(api.POST('/api/shops/{shopId}/invitations', { params: { path: { shopId } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.shop(shopId) }),
  });
}

export function useRevokeInvitation(shopId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (invitationId: string) =>
      call(
        api.DELETE('/api/shops/{shopId}/invitations/{invitationId}', {
          params: { path: { shopId, invitationId } },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.shop(shopId) }),
  });
}

const lastShopKey = 'qd.seller.lastShop';

export function rememberShop(shopId: string): void {
  try {
    localStorage.setItem(lastShopKey, shopId);
  } catch {
    // not remembered; harmless
  }
}

export function lastShop(): string | null {
  try {
    return localStorage.getItem(lastShopKey);
  } catch {
    return null;
  }
}
