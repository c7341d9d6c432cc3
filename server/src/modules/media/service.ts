import fs from 'node:fs/promises';
import path from 'node:path';
import { badRequest } from '../../kernel/http/errors.js';
import { defineMessages } from '../../kernel/http/i18n.js';
import { newId } from '../../kernel/ids.js';

defineMessages({
  'media.invalid_image': {
    'zh-CN': '图片格式不支持，请上传 PNG、JPEG 或 WebP 图片',
    'en-US': 'Unsupported image; upload a PNG, JPEG or WebP file',
  },
  'media.image_too_large': { 'zh-CN': '图片不能超过 {kb} KB', 'en-US': 'The image must be at most {kb} KB' },
});

const SIGNATURES: { type: string; ext: string; test: (b: Buffer) => boolean }[] = [
  { type: 'image/png', ext: 'png', test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { type: 'image/jpeg', ext: 'jpg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  {
    type: 'image/webp',
    ext: 'webp',
    test: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
];

export const mediaRoot = (dataDir: string) => path.join(dataDir, 'media');

/**
 * Stores an image given as a data URL (as a browser's FileReader makes it) under
 * DATA_DIR/media/<folder>/ and returns its public URL. The content is checked by its bytes,
 * not by the declared type.
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
  if (!kind) throw badRequest('media.invalid_image', [{ field: opts.field, code: 'invalid_image', message: 'media.invalid_image' }]);
  if (bytes.length > opts.maxBytes) {
    const kb = Math.floor(opts.maxBytes / 1024);
    throw badRequest('media.image_too_large', [{ field: opts.field, code: 'too_large', message: 'media.image_too_large' }], {
      kb,
    });
  }
  const name = `${newId('img')}.${kind.ext}`;
  const dir = path.join(mediaRoot(dataDir), folder);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, name), bytes);
  return `/media/${folder}/${name}`;
}

/** Removes a stored file by its public URL (used when the change that wanted it failed). */
export async function removeMedia(dataDir: string, url: string): Promise<void> {
  if (!url.startsWith('/media/')) return;
  const file = path.join(mediaRoot(dataDir), url.slice('/media/'.length));
  if (file.startsWith(mediaRoot(dataDir))) await fs.rm(file, { force: true });
}
