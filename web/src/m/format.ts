import type { Locale } from '../i18n/locale';

/** Fen as yuan with two decimals: 12800 → "128.00". */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.round(fen));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** "12.5" (yuan typed by a person) → 1250 fen; null when it is not an amount. */
export function parseYuan(text: string): number | null {
  const t = text.trim();
  if (!/^\d{1,7}(\.\d{0,2})?$/.test(t)) return null;
  const [whole, frac = ''] = t.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}

const VARIANT = /^(\/media\/[^/?#]+\/[^/?#]+?)\.webp$/;

/**
 * Stored product images (/media/<shop>/<id>.webp) have resized variants: `_200`, `_480`, `_960`.
 * Other addresses (and already-sized variants) are used as they are.
 */
export function imageVariant(url: string | null | undefined, size: 200 | 480 | 960): string | undefined {
  if (!url) return undefined;
  const m = VARIANT.exec(url);
  if (!m || /_(200|480|960)$/.test(m[1]!)) return url;
  return `${m[1]}_${size}.webp`;
}

/** "1.2万+" / "1.2k": how many sold, as a shop shows it. */
export function compactCount(n: number, locale: Locale): string {
  if (locale === 'zh-CN') {
    if (n >= 10_000) return `${(Math.floor(n / 1000) / 10).toFixed(1).replace(/\.0$/, '')}万+`;
    return String(n);
  }
  if (n >= 1_000_000) return `${(Math.floor(n / 100_000) / 10).toFixed(1).replace(/\.0$/, '')}M+`;
  if (n >= 1_000) return `${(Math.floor(n / 100) / 10).toFixed(1).replace(/\.0$/, '')}k+`;
  return String(n);
}

/** A random key for Idempotency-Key: crypto.randomUUID where the page is a secure context. */
export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto && typeof crypto.randomUUID === 'function') {
    return crypto.randomUUID();
  }
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A path inside the app to come back to, only when it is one (no other sites). */
export function safeNext(next: string | null | undefined): string | null {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return null;
  return next;
}
