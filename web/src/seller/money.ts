import type { Locale } from '../i18n/locale';

/**
 * Money is integer fen in the API; people read and type yuan with two decimals. These helpers are
 * the only place the two meet.
 */
export const MAX_FEN = 100_000_000_00;

/** 12800 → 128 (a number for InputNumber). */
export function fenToYuan(fen: number): number {
  return fen / 100;
}

/** 128.5 → 12850; rounds away float noise (0.1 + 0.2). */
export function yuanToFen(yuan: number): number {
  return Math.round(yuan * 100);
}

const formats = new Map<Locale, Intl.NumberFormat>();

/** 1234500 → "¥12,345.00". */
export function formatFen(fen: number, locale: Locale): string {
  let f = formats.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    formats.set(locale, f);
  }
  return `${fen < 0 ? '-' : ''}¥${f.format(Math.abs(fen) / 100)}`;
}

/** "¥12.00" or "¥12.00 – ¥30.00". */
export function formatFenRange(min: number, max: number, locale: Locale): string {
  return min === max ? formatFen(min, locale) : `${formatFen(min, locale)} – ${formatFen(max, locale)}`;
}
