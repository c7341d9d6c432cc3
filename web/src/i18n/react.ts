import { useCallback, useSyncExternalStore } from 'react';
import {
  type Dictionary,
  format,
  getLocale,
  type Locale,
  type Params,
  subscribeLocale,
  type Translate,
} from './locale';

export function useLocale(): Locale {
  return useSyncExternalStore(subscribeLocale, getLocale, getLocale);
}

/** Makes a `useT()` hook for one dictionary: `const t = useT(); t('key', { name })`. */
export function createUseT<K extends string>(dict: Dictionary<K>): () => Translate<K> {
  return function useT() {
    const locale = useLocale();
    return useCallback((key: K, params?: Params) => format(dict[locale][key], params), [locale]);
  };
}
