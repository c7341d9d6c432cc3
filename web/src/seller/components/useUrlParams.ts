import { useCallback } from 'react';
import { useSearchParams } from 'react-router-dom';

/**
 * The page's filters kept in the URL (so a reload or a shared link shows the same list).
 * `update` starts from the address bar, not from the last render: two quick changes (a tab, then a
 * search) both stick even while React has not yet rendered the first.
 */
export function useUrlParams(): [URLSearchParams, (patch: Record<string, string | undefined>) => void] {
  const [params, setParams] = useSearchParams();
  const update = useCallback(
    (patch: Record<string, string | undefined>) => {
      const next = new URLSearchParams(window.location.search);
      for (const [k, v] of Object.entries(patch)) {
        if (v) next.set(k, v);
        else next.delete(k);
      }
      setParams(next, { replace: true });
    },
    [setParams],
  );
  return [params, update];
}
