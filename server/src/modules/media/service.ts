import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { AppError, badRequest } from '../../kernel/http/errors.js';
import { defineMessages } from '../../kernel/http/i18n.js';
import { newId } from '../../kernel/ids.js';
import { storageFor, type MediaStorage } from './storage.js';

export { configureStorage, createStorage, mediaRoot, storageFor, type MediaStorage } from './storage.js';

defineMessages({
  'media.invalid_image': {
    'zh-CN': '图片格式不支持，请上传 PNG、JPEG 或 WebP 图片',
    'en-US': 'Unsupported image; upload a PNG, JPEG or WebP file',
  },
  'media.image_too_large': { 'zh-CN': '图片不能超过 {kb} KB', 'en-US': 'The image must be at most {kb} KB' },
  'media.file_required': {
    'zh-CN': '请选择要上传的文件（表单字段 file）',
    'en-US': 'Choose a file to upload (form field "file")',
  },
  'media.upload_malformed': {
    'zh-CN': '上传的数据不完整或格式有误，请重新上传',
    'en-US': 'The upload was incomplete or malformed; please try again',
  },
  'media.unsupported_file': {
    'zh-CN': '文件格式不支持，请上传 JPEG、PNG、WebP、GIF、AVIF 图片或 MP4、WebM、MOV 视频',
    'en-US': 'Unsupported file; upload a JPEG, PNG, WebP, GIF or AVIF image, or an MP4, WebM or MOV video',
  },
  'media.image_unreadable': {
    'zh-CN': '无法读取这张图片，文件可能已损坏或使用了不支持的编码',
    'en-US': 'This image could not be read; the file may be damaged or use an unsupported encoding',
  },
  'media.image_too_many_pixels': {
    'zh-CN': '图片尺寸过大，最多 {mp} 百万像素',
    'en-US': 'The image has too many pixels; at most {mp} megapixels',
  },
  'media.upload_image_too_large': { 'zh-CN': '图片不能超过 {mb} MB', 'en-US': 'Images must be at most {mb} MB' },
  'media.upload_video_too_large': { 'zh-CN': '视频不能超过 {mb} MB', 'en-US': 'Videos must be at most {mb} MB' },
});

// ---------------------------------------------------------------- uploads (workbench)

export const IMAGE_MAX_BYTES = 10 * 1024 * 1024;
export const VIDEO_MAX_BYTES = 100 * 1024 * 1024;
/** Decoding more pixels than this is refused (a small file can hold a huge image). */
export const IMAGE_MAX_PIXELS = 100_000_000;
/** The stored main image fits in a square of this side. */
export const MAIN_MAX_SIDE = 1600;
export const VARIANT_WIDTHS = [200, 480, 960] as const;
export type VariantWidth = (typeof VARIANT_WIDTHS)[number];

const FIELD = 'body.file';
const WEBP = { quality: 82, effort: 4 } as const;

export interface UploadView {
  url: string;
  kind: 'image' | 'video';
  contentType: string;
  bytes: number;
  width?: number;
  height?: number;
  variants?: Record<`${VariantWidth}`, string>;
}

/**
 * Naming convention — the web derives every size from the main URL alone:
 *   main     `/media/<shopId>/<id>.webp`       (longest side ≤ 1600, never upscaled)
 *   variant  `/media/<shopId>/<id>_<w>.webp`   for w in 200, 480, 960 (width w, or the main's
 *            width when that is smaller — the file always exists)
 * With S3 the `/media/` prefix is S3_PUBLIC_URL instead; the rest is the same.
 * URLs that are not an uploaded main image (logos, videos, outside links) come back unchanged.
 */
export function variantUrl(url: string, width: VariantWidth): string {
  const main = /^(.*\/med_[0-9a-z]{26})\.webp$/.exec(url);
  return main ? `${main[1]}_${width}.webp` : url;
}

const mediaKey = (shopId: string, id: string, suffix: string) => `${shopId}/${id}${suffix}`;

type VideoType = { contentType: 'video/mp4' | 'video/quicktime' | 'video/webm'; ext: 'mp4' | 'mov' | 'webm' };
/** ISO-BMFF brands of still images (HEIC, AVIF): not videos, though they start like MP4. */
const MP4_BRANDS = /^(isom|iso[2-9]|mp41|mp42|mp71|avc1|M4V |M4VH|M4VP|dash|MSNV|NDAS|XAVC|mmp4|f4v )$/;

/** The video type of a file by its first bytes (at least 64 when the file has them), or null. */
export function sniffVideo(head: Buffer): VideoType | null {
  const box = head.length >= 12 ? head.toString('latin1', 4, 8) : '';
  if (box === 'ftyp') {
    const brand = head.toString('latin1', 8, 12);
    if (brand === 'qt  ') return { contentType: 'video/quicktime', ext: 'mov' };
    if (MP4_BRANDS.test(brand)) return { contentType: 'video/mp4', ext: 'mp4' };
    return null;
  }
  // Old QuickTime files begin with a movie atom rather than ftyp.
  if (box === 'moov' || box === 'mdat' || box === 'wide') return { contentType: 'video/quicktime', ext: 'mov' };
  const ebml = head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3;
  if (ebml && head.subarray(0, 64).includes('webm', 0, 'latin1')) return { contentType: 'video/webm', ext: 'webm' };
  return null;
}

const tooLarge = (video: boolean) => {
  const mb = Math.floor((video ? VIDEO_MAX_BYTES : IMAGE_MAX_BYTES) / 1024 / 1024);
  const code = video ? 'media.upload_video_too_large' : 'media.upload_image_too_large';
  return new AppError(413, code, { mb }, [{ field: FIELD, code: 'too_large', message: code }]);
};
export const fileRequired = () =>
  badRequest('media.file_required', [{ field: FIELD, code: 'required', message: 'media.file_required' }]);
export const malformedUpload = () =>
  badRequest('media.upload_malformed', [{ field: FIELD, code: 'malformed', message: 'media.upload_malformed' }]);
const unsupported = () =>
  badRequest('media.unsupported_file', [{ field: FIELD, code: 'unsupported_type', message: 'media.unsupported_file' }]);

export interface ReceivedUpload {
  /** A temporary file holding the upload; the caller removes it. */
  path: string;
  bytes: number;
  /** Set when the bytes are a video; otherwise it may be an image (not yet checked). */
  video: VideoType | null;
}

/**
 * Streams an upload to a temporary file in `tmpDir`, deciding from its first bytes whether it
 * is a video (≤ 100 MB) or possibly an image (≤ 10 MB); 413 as soon as it passes its limit.
 * Nothing is left behind when it fails.
 */
export async function receiveUpload(
  source: AsyncIterable<Buffer> & { destroy?(): void },
  tmpDir: string,
): Promise<ReceivedUpload> {
  await fs.mkdir(tmpDir, { recursive: true });
  const file = path.join(tmpDir, `${newId('upl')}.part`);
  const out = await fs.open(file, 'wx');
  const chunks = source[Symbol.asyncIterator]();
  let bytes = 0;
  let head: Buffer = Buffer.alloc(0);
  let video: VideoType | null = null;
  let sniffed = false;
  try {
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } catch {
        throw malformedUpload();
      }
      if (next.done) break;
      const chunk = next.value;
      bytes += chunk.length;
      if (!sniffed) {
        head = Buffer.concat([head, chunk]);
        if (head.length >= 64) {
          video = sniffVideo(head);
          sniffed = true;
        }
      }
      if (bytes > VIDEO_MAX_BYTES || (sniffed && !video && bytes > IMAGE_MAX_BYTES)) throw tooLarge(Boolean(video));
      await out.write(chunk);
    }
    if (!sniffed) video = sniffVideo(head);
    await out.close();
    return { path: file, bytes, video };
  } catch (e) {
    source.destroy?.();
    await out.close().catch(() => {});
    await fs.rm(file, { force: true });
    throw e;
  }
}

/** Removes temporary uploads a stopped process left behind (older than an hour, so none in flight). */
export async function sweepStaleUploads(tmpDir: string, now = Date.now()): Promise<number> {
  const names = await fs.readdir(tmpDir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names.filter((n) => n.endsWith('.part'))) {
    const file = path.join(tmpDir, name);
    const stat = await fs.stat(file).catch(() => null);
    if (stat && now - stat.mtimeMs > 60 * 60 * 1000) {
      await fs.rm(file, { force: true });
      removed++;
    }
  }
  return removed;
}

/** Stores a video as uploaded; browsers play it from its URL with Range requests. */
export async function storeVideo(storage: MediaStorage, shopId: string, upload: ReceivedUpload): Promise<UploadView> {
  if (!upload.video) throw unsupported();
  const key = mediaKey(shopId, newId('med'), `.${upload.video.ext}`);
  await storage.put(key, { path: upload.path }, upload.video.contentType);
  return { url: storage.url(key), kind: 'video', contentType: upload.video.contentType, bytes: upload.bytes };
}

const IMAGE_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'heif']);

/**
 * Checks that `input` (bytes or a file) really is a JPEG, PNG, WebP, GIF, AVIF or HEIC image,
 * turns it upright by its EXIF orientation, drops its metadata, and stores a WebP main image
 * (longest side ≤ 1600) plus WebP variants 200, 480 and 960 wide, named as `variantUrl` expects.
 * Animated images keep their first frame. Nothing is stored unless everything is.
 */
export async function storeImage(storage: MediaStorage, shopId: string, input: Buffer | string): Promise<UploadView> {
  const meta = await sharp(input)
    .metadata()
    .catch(() => null);
  if (!meta?.format || !IMAGE_FORMATS.has(meta.format)) throw unsupported();
  if ((meta.width ?? 0) * (meta.height ?? 0) > IMAGE_MAX_PIXELS) {
    throw badRequest(
      'media.image_too_many_pixels',
      [{ field: FIELD, code: 'too_many_pixels', message: 'media.image_too_many_pixels' }],
      {
        mp: IMAGE_MAX_PIXELS / 1_000_000,
      },
    );
  }
  // Decoded once, upright, at main size; every output is encoded from these pixels.
  const decoded = await sharp(input, { failOn: 'error', limitInputPixels: IMAGE_MAX_PIXELS })
    .autoOrient()
    .resize({ width: MAIN_MAX_SIDE, height: MAIN_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch(() => {
      throw badRequest('media.image_unreadable', [
        { field: FIELD, code: 'unreadable', message: 'media.image_unreadable' },
      ]);
    });
  const { width, height, channels } = decoded.info;
  const pixels = () => sharp(decoded.data, { raw: { width, height, channels } });
  const main = pixels().webp(WEBP).toBuffer();
  const sized = VARIANT_WIDTHS.map((w) => (w < width ? pixels().resize({ width: w }).webp(WEBP).toBuffer() : main));
  const [mainBytes, ...variantBytes] = await Promise.all([main, ...sized]);

  const id = newId('med');
  const files = [
    { key: mediaKey(shopId, id, '.webp'), body: mainBytes! },
    ...VARIANT_WIDTHS.map((w, i) => ({ key: mediaKey(shopId, id, `_${w}.webp`), body: variantBytes[i]! })),
  ];
  const results = await Promise.allSettled(files.map((f) => storage.put(f.key, f.body, 'image/webp')));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.allSettled(files.map((f) => storage.remove(f.key)));
    throw failed.reason;
  }
  const url = storage.url(files[0]!.key);
  return {
    url,
    kind: 'image',
    contentType: 'image/webp',
    bytes: mainBytes!.length,
    width,
    height,
    variants: Object.fromEntries(VARIANT_WIDTHS.map((w) => [String(w), variantUrl(url, w)])) as UploadView['variants'],
  };
}

/** An upload received by `receiveUpload`, checked and stored; the temporary file is always removed. */
export async function storeUpload(storage: MediaStorage, shopId: string, upload: ReceivedUpload): Promise<UploadView> {
  try {
    return upload.video ? await storeVideo(storage, shopId, upload) : await storeImage(storage, shopId, upload.path);
  } finally {
    await fs.rm(upload.path, { force: true });
  }
}

// ---------------------------------------------------------------- data-URL images (shop logos)

const SIGNATURES: { type: string; ext: string; test: (b: Buffer) => boolean }[] = [
  {
    type: 'image/png',
    ext: 'png',
    test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  { type: 'image/jpeg', ext: 'jpg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  {
    type: 'image/webp',
    ext: 'webp',
    test: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
];

/**
 * Stores an image given as a data URL (as a browser's FileReader makes it) under `<folder>/`
 * in the media storage of the app using `dataDir`, and returns its public URL. The content is
 * checked by its bytes, not by the declared type.
 */
export async function saveImageDataUrl(
  dataDir: string,
  folder: string,
  dataUrl: string,
  opts: { field: string; maxBytes: number },
): Promise<string> {
  const match = /^data:([\w/+.-]+);base64,([A-Za-z0-9+/=\s]+)$/.exec(dataUrl);
  const bytes = match ? Buffer.from(match[2]!, 'base64') : Buffer.alloc(0);
  const kind = SIGNATURES.find((s) => s.test(bytes));
  if (!kind)
    throw badRequest('media.invalid_image', [
      { field: opts.field, code: 'invalid_image', message: 'media.invalid_image' },
    ]);
  if (bytes.length > opts.maxBytes) {
    const kb = Math.floor(opts.maxBytes / 1024);
    throw badRequest(
      'media.image_too_large',
      [{ field: opts.field, code: 'too_large', message: 'media.image_too_large' }],
      {
        kb,
      },
    );
  }
  const storage = storageFor(dataDir);
  const key = `${folder}/${newId('img')}.${kind.ext}`;
  await storage.put(key, bytes, kind.type);
  return storage.url(key);
}

/** Removes a stored file by its public URL (used when the change that wanted it failed). */
export async function removeMedia(dataDir: string, url: string): Promise<void> {
  const storage = storageFor(dataDir);
  const key = storage.keyOf(url);
  if (key) await storage.remove(key);
}
