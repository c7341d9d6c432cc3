import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../api/client';
import { ApiError } from '../api/errors';
import type { Account, RegisterBody } from '../api/types';
import { meKey } from './query';

/** The signed-in account, or null when signed out. */
export function useMe() {
  return useQuery({
    queryKey: meKey,
    queryFn: async (): Promise<Account | null> => {
      try {
        return (await call(api.GET('/api/auth/me'))).account;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

/** After the session changes, forget everything the previous account could see. */
function useSwitchAccount() {
  const queryClient = useQueryClient();
  return (account: Account | null) => {
    queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== meKey[0] });
    queryClient.setQueryData(meKey, account);
  };
}

export function useLogin() {
  const switchAccount = useSwitchAccount();
  return useMutation({
    mutationFn: (body: { identifier: string; password: string }) => call(api.POST('/api/auth/login', { body })),
    onSuccess: ({ account }) => switchAccount(account),
  });
}

export function useRegister() {
  const switchAccount = useSwitchAccount();
  return useMutation({
    mutationFn: (body: RegisterBody) => call(api.POST('/api/auth/register', { body })),
    onSuccess: ({ account }) => switchAccount(account),
  });
}

export function useLogout() {
  const switchAccount = useSwitchAccount();
  return useMutation({
    mutationFn: () => call(api.POST('/api/auth/logout')),
    onSettled: () => switchAccount(null),
  });
}

export function useChangePassword() {
  return useMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) =>
      call(api.POST('/api/auth/password', { body })),
  });
}

/** How an account is shown: its name, then email or mobile. */
export function accountLabel(account: Pick<Account, 'displayName' | 'email' | 'mobile'>): string {
  return account.displayName || account.email || account.mobile || '';
}

export function accountIdentifier(account: Pick<Account, 'email' | 'mobile'>): string {
  return account.email ?? account.mobile ?? '';
}
