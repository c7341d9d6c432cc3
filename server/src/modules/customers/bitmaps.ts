import roaring from 'roaring';

/**
 * Roaring bitmaps of customer numbers (the `roaring` package, CRoaring underneath). Persisted
 * in the portable format, so any Roaring implementation can read them.
 */
export const { RoaringBitmap32 } = roaring;
export type Bitmap = InstanceType<typeof RoaringBitmap32>;

export const emptyBitmap = (): Bitmap => new RoaringBitmap32();
export const bitmapOf = (values: Iterable<number>): Bitmap => new RoaringBitmap32(values);

export function toBytes(bitmap: Bitmap): Buffer {
  bitmap.runOptimize();
  const bytes = bitmap.serialize('portable');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function fromBytes(bytes: Buffer | Uint8Array): Bitmap {
  return RoaringBitmap32.deserialize(bytes, 'portable');
}

export const and = (a: Bitmap, b: Bitmap) => RoaringBitmap32.and(a, b);
export const or = (a: Bitmap, b: Bitmap) => RoaringBitmap32.or(a, b);
export const andNot = (a: Bitmap, b: Bitmap) => RoaringBitmap32.andNot(a, b);

/** Bytes a bitmap takes serialized (what is stored, and about what it holds in memory). */
export const sizeOf = (bitmap: Bitmap) => bitmap.getSerializationSizeInBytes('portable');

/** A PostgreSQL array literal for `= any($1::text[])` (drizzle would expand a JS array into a row). */
export const textArray = (values: readonly string[]) =>
  `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
/** The same for integers (`::int[]`). */
export const intArray = (values: Iterable<number>) => `{${[...values].join(',')}}`;
