/** The reader's language: zh-CN by default, kept in localStorage, sent as Accept-Language on every API call. */
export const locales = ['zh-CN', 'en-US'] as const;
export type Locale = (typeof locales)[number];

const storageKey = 'qd.locale';
const listeners = new Set<() => void>();

function read(): Locale {
  try {
    const saved = localStorage.getItem(storageKey);
    if (saved && (locales as readonly string[]).includes(saved)) return saved as Locale;
  } catch {
    // storage unavailable (private mode): fall through to the default
  }
  return 'zh-CN';
}

let current: Locale = read();
document.documentElement.lang = current;

export function getLocale(): Locale {
  return current;
}

export function setLocale(locale: Locale): void {
  if (locale === current) return;
  current = locale;
  document.documentElement.lang = locale;
  try {
    localStorage.setItem(storageKey, locale);
  } catch {
    // not persisted; still switches for this page
  }
  for (const listener of listeners) listener();
}

export function subscribeLocale(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// Another tab switched language: follow it.
window.addEventListener('storage', (event) => {
  if (event.key === storageKey) {
    const next = read();
    if (next !== current) {
      current = next;
      document.documentElement.lang = next;
      for (const listener of listeners) listener();
    }
  }
});

/** The name of each language written in that language, for the switch. */
export const localeNames: Record<Locale, string> = { 'zh-CN': '简体中文', 'en-US': 'English' };

/**
 * A dictionary: one object per locale with exactly the same keys. The zh-CN object defines the keys;
 * the en-US one must provide every one of them (the compiler checks).
 */
export type Dictionary<K extends string> = Record<Locale, Record<K, string>>;

export function defineDictionary<const Z extends Record<string, string>>(
  zh: Z,
  en: Record<keyof Z & string, string>,
): Dictionary<keyof Z & string> {
  return { 'zh-CN': zh, 'en-US': en };
}

export type Params = Record<string, string | number>;

export function format(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : String(params[name]),
  );
}

export type Translate<K extends string> = (key: K, params?: Params) => string;

export function translator<K extends string>(dict: Dictionary<K>, locale: Locale = current): Translate<K> {
  return (key, params) => format(dict[locale][key], params);
}

/** Dates and times in the reader's language and time zone. */
export function formatDateTime(iso: string | null | undefined, locale: Locale = current): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** Compact date and time for table cells: 2026/11/24 21:59, 11/24/2026, 9:59 PM. */
export function formatShortDateTime(iso: string | null | undefined, locale: Locale = current): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(date);
}

export function formatDate(iso: string | null | undefined, locale: Locale = current): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(date);
}

export function formatRelative(iso: string, locale: Locale = current, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return rtf.format(seconds, 'second');
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), 'hour');
  if (abs < 86400 * 30) return rtf.format(Math.round(seconds / 86400), 'day');
  return formatDate(iso, locale);
}
