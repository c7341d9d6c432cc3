/** The SKU matrix: one row per combination of spec values (colour × size), kept across edits. */

export interface SpecAxis {
  name: string;
  values: string[];
}

export interface SkuRow {
  /** The combination, one value per axis in axis order. */
  values: string[];
  /** Whether this combination is sold; an unsold row is left out of the product. */
  enabled: boolean;
  price?: number | null;
  originalPrice?: number | null;
  stock?: number | null;
  barcode?: string | null;
  imageUrl?: string | null;
}

/** Axes with a name and at least one value; half-typed axes do not make rows yet. */
export function completeAxes(axes: (Partial<SpecAxis> | undefined)[] | undefined): SpecAxis[] {
  return (axes ?? [])
    .filter((a): a is SpecAxis => !!a && !!a.name?.trim() && Array.isArray(a.values) && a.values.length > 0)
    .map((a) => ({ name: a.name.trim(), values: a.values }));
}

export function combinations(axes: SpecAxis[]): string[][] {
  let combos: string[][] = [[]];
  for (const axis of axes) combos = combos.flatMap((c) => axis.values.map((v) => [...c, v]));
  return combos;
}

const keyOf = (values: string[]) => values.join('\u0001');
const contains = (big: string[], small: string[]) => small.every((v) => big.includes(v));

/**
 * The rows for these axes, reusing what was typed: the same combination keeps its row; a row
 * made when an axis is added or removed takes the prices of the closest earlier row (the one whose
 * values it contains, or that contains it).
 */
export function buildMatrix(axes: SpecAxis[], previous: SkuRow[]): SkuRow[] {
  const byKey = new Map(previous.map((r) => [keyOf(r.values), r]));
  return combinations(axes).map((values) => {
    const same = byKey.get(keyOf(values));
    if (same) return { ...same, values };
    const near =
      previous.find((r) => r.values.length > 0 && contains(values, r.values)) ??
      previous.find((r) => values.length > 0 && contains(r.values, values)) ??
      (previous.length === 1 && previous[0]!.values.length === 0 ? previous[0] : undefined);
    return near
      ? { ...near, values, barcode: null, imageUrl: near.imageUrl ?? null }
      : { values, enabled: true, price: null, originalPrice: null, stock: null, barcode: null, imageUrl: null };
  });
}

/** The spec object the API takes for a row: { 颜色: '红', 尺码: 'M' }. */
export function specOf(axes: SpecAxis[], values: string[]): Record<string, string> {
  return Object.fromEntries(axes.map((a, i) => [a.name, values[i] ?? '']));
}

/** How many rows share each value of the first axis (for merging its cells). */
export function firstAxisSpan(axes: SpecAxis[]): number {
  return axes.slice(1).reduce((n, a) => n * a.values.length, 1);
}
