import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/errors';

export const meKey = ['me'] as const;

/**
 * Server state for one app. Client errors (4xx) are not retried; a 401 anywhere means the session
 * ended, so the signed-in account is cleared and the app shows its sign-in page.
 */
export function createQueryClient(): QueryClient {
  const onError = (error: unknown) => {
    // A wrong password at sign-in is a 401 too, but it does not end a session.
    if (error instanceof ApiError && error.status === 401 && error.code !== 'identity.bad_credentials') {
      client.setQueryData(meKey, null);
    }
  };
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: true,
        retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      },
      mutations: { retry: false },
    },
  });
  return client;
}
