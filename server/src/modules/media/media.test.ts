import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestPlatform, type TestPlatform } from '../../../test/app.js';
import {
  IMAGE_MAX_BYTES,
  receiveUpload,
  sniffVideo,
  sweepStaleUploads,
  VIDEO_MAX_BYTES,
  variantUrl,
} from './service.js';

let p: TestPlatform;
let owner: Awaited<ReturnType<TestPlatform['shopOwner']>>;
let other: Awaited<ReturnType<TestPlatform['shopOwner']>>;

beforeAll(async () => {
  p = await createTestPlatform();
  owner = await p.shopOwner();
  other = await p.shopOwner();
});

/** A multipart/form-data body as a browser's FormData makes it. */
async function form(parts: Record<string, Blob | string>, filename = 'upload.bin') {
  const data = new FormData();
  for (const [name, value] of Object.entries(parts)) {
    if (typeof value === 'string') data.append(name, value);
    else data.append(name, value, filename);
  }
  const request = new Request('http://localhost/', { method: 'POST', body: data });
  return { body: Buffer.from(await request.arrayBuffer()), contentType: request.headers.get('content-type')! };
}

async function upload(client: Client, shopId: string, bytes: Buffer, filename: string, type: string) {
  const { body, contentType } = await form({ file: new Blob([new Uint8Array(bytes)], { type }) }, filename);
  return client.post(`/api/shops/${shopId}/media`, body, { 'content-type': contentType });
}

/** Reads a stored file back over real HTTP. */
async function fetchBack(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${p.url}${url}`, { headers });
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

async function storedFiles(shopId: string): Promise<string[]> {
  return fs.readdir(path.join(p.dataDir, 'media', shopId)).catch(() => []);
}
async function leftoverUploads(): Promise<string[]> {
  return fs.readdir(path.join(p.dataDir, 'upload-tmp')).catch(() => []);
}

const VIDEO_HEAD = Buffer.concat([
  Buffer.from([0, 0, 0, 0x18]),
  Buffer.from('ftypisom', 'latin1'),
  Buffer.from([0, 0, 2, 0]),
  Buffer.from('isomiso2mp41', 'latin1'),
]);

describe('uploading images', () => {
  it('stores a WebP main image and 200/480/960 variants that read back at those widths', async () => {
    const png = await sharp({ create: { width: 2400, height: 1600, channels: 3, background: '#c0392b' } })
      .png()
      .toBuffer();
    const res = await upload(owner.client, owner.shopId, png, 'photo.png', 'image/png');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ kind: 'image', contentType: 'image/webp', width: 1600, height: 1067 });
    const { url, variants } = res.body as { url: string; variants: Record<string, string> };
    expect(url).toMatch(new RegExp(`^/media/${owner.shopId}/med_[0-9a-z]{26}\\.webp$`));
    expect(variants).toEqual({ '200': variantUrl(url, 200), '480': variantUrl(url, 480), '960': variantUrl(url, 960) });
    expect(variants['480']).toBe(url.replace(/\.webp$/, '_480.webp'));

    const expected: [string, number][] = [
      [url, 1600],
      [variants['200']!, 200],
      [variants['480']!, 480],
      [variants['960']!, 960],
    ];
    for (const [u, width] of expected) {
      const { res: got, bytes } = await fetchBack(u);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe('image/webp');
      expect(got.headers.get('cache-control')).toMatch(/immutable/);
      const meta = await sharp(bytes).metadata();
      expect(meta.format).toBe('webp');
      expect(meta.width).toBe(width);
      expect(meta.height).toBe(Math.round((width * 1600) / 2400));
    }
    expect(res.body.bytes).toBe((await fetchBack(url)).bytes.length);
    expect(
      (await storedFiles(owner.shopId)).filter((f) => f.startsWith(url.split('/').pop()!.replace('.webp', ''))),
    ).toHaveLength(4);
  });

  it('never upscales: a small image keeps its size and every variant still exists', async () => {
    const png = await sharp({
      create: { width: 300, height: 100, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 0.5 } },
    })
      .png()
      .toBuffer();
    const res = await upload(owner.client, owner.shopId, png, 'small.png', 'image/png');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ width: 300, height: 100 });
    const widths = [];
    for (const w of ['200', '480', '960'])
      widths.push((await sharp((await fetchBack(res.body.variants[w])).bytes).metadata()).width);
    expect(widths).toEqual([200, 300, 300]);
    // Transparency survives.
    expect((await sharp((await fetchBack(res.body.url)).bytes).metadata()).hasAlpha).toBe(true);
  });

  it('turns a JPEG upright by its EXIF orientation and strips its metadata', async () => {
    // Stored 300×200, left half red, right half blue; orientation 6 means "rotate 90° clockwise to view".
    const left = await sharp({ create: { width: 150, height: 200, channels: 3, background: '#ff0000' } })
      .png()
      .toBuffer();
    const jpeg = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#0000ff' } })
      .composite([{ input: left, left: 0, top: 0 }])
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .withExif({ IFD0: { Copyright: 'secret-owner', Artist: 'someone' } })
      .toBuffer();
    expect((await sharp(jpeg).metadata()).orientation).toBe(6);

    const res = await upload(owner.client, owner.shopId, jpeg, 'IMG_0001.JPG', 'image/jpeg');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ width: 200, height: 300 });
    const { bytes } = await fetchBack(res.body.url);
    const meta = await sharp(bytes).metadata();
    expect([meta.width, meta.height]).toEqual([200, 300]);
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(bytes.includes('secret-owner')).toBe(false);
    // Rotated clockwise: what was the left (red) is now the top.
    const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => [
      ...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3),
    ];
    const [tr, , tb] = at(100, 20);
    const [br, , bb] = at(100, 280);
    expect(tr).toBeGreaterThan(200);
    expect(tb).toBeLessThan(60);
    expect(br).toBeLessThan(60);
    expect(bb).toBeGreaterThan(200);
  });

  it('judges by content: a text file named .png is refused and nothing is stored', async () => {
    const shop = await p.shopOwner();
    const res = await upload(
      shop.client,
      shop.shopId,
      Buffer.from('just some text, not a picture\n'.repeat(20)),
      'fake.png',
      'image/png',
    );
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('media.unsupported_file');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'body.file', code: 'unsupported_type' })]);
    expect(res.body.detail).toMatch(/Unsupported file/);
    expect(await storedFiles(shop.shopId)).toEqual([]);
    expect(await leftoverUploads()).toEqual([]);

    // Chinese too, and a HEIC-branded box that is not really an image fares the same.
    const heicish = Buffer.concat([
      Buffer.from([0, 0, 0, 0x18]),
      Buffer.from('ftypheicmif1heic', 'latin1'),
      Buffer.alloc(100),
    ]);
    shop.client.locale = 'zh-CN';
    const zh = await upload(shop.client, shop.shopId, heicish, 'x.heic', 'image/heic');
    expect(zh.status).toBe(400);
    expect(zh.body.detail).toMatch(/文件格式不支持/);
    expect(await storedFiles(shop.shopId)).toEqual([]);
  });

  it('refuses a file that is too large with 413 and stores nothing', async () => {
    const shop = await p.shopOwner();
    const big = Buffer.alloc(IMAGE_MAX_BYTES + 1024, 7);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(big);
    const res = await upload(shop.client, shop.shopId, big, 'huge.png', 'image/png');
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('media.upload_image_too_large');
    expect(res.body.detail).toContain('10 MB');
    expect(res.body.errors[0].field).toBe('body.file');
    expect(await storedFiles(shop.shopId)).toEqual([]);
    expect(await leftoverUploads()).toEqual([]);
  });

  it('answers 400 (never 5xx) for requests that carry no usable file', async () => {
    const url = `/api/shops/${owner.shopId}/media`;
    const json = await owner.client.post(url, { file: 'data:image/png;base64,AAAA' });
    expect(json.status).toBe(400);
    expect(json.body.errors[0]).toMatchObject({ field: 'body.file', code: 'required' });

    const noFile = await form({ note: 'hello' });
    const fieldOnly = await owner.client.post(url, noFile.body, { 'content-type': noFile.contentType });
    expect(fieldOnly.status).toBe(400);
    expect(fieldOnly.body.errors[0]).toMatchObject({ field: 'body.file', code: 'required' });

    const wrongName = await form({ picture: new Blob([Buffer.from('x')]) });
    expect((await owner.client.post(url, wrongName.body, { 'content-type': wrongName.contentType })).status).toBe(400);

    const cut = await form({
      file: new Blob([
        await sharp({ create: { width: 10, height: 10, channels: 3, background: '#fff' } })
          .png()
          .toBuffer(),
      ]),
    });
    const truncated = await owner.client.post(url, cut.body.subarray(0, cut.body.length - 60), {
      'content-type': cut.contentType,
    });
    expect(truncated.status).toBe(400);
    const noBoundary = await owner.client.post(url, Buffer.from('garbage'), { 'content-type': 'multipart/form-data' });
    expect(noBoundary.status).toBe(400);
    expect(await leftoverUploads()).toEqual([]);
  });
});

describe('uploading videos', () => {
  it('stores an MP4 as uploaded (known by its bytes) and serves byte ranges', async () => {
    const body = Buffer.concat([VIDEO_HEAD, Buffer.from(Array.from({ length: 200_000 }, (_, i) => i % 251))]);
    const res = await upload(owner.client, owner.shopId, body, 'clip.bin', 'application/octet-stream');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toEqual({
      url: expect.stringMatching(/^\/media\/.+\/med_[0-9a-z]{26}\.mp4$/),
      kind: 'video',
      contentType: 'video/mp4',
      bytes: body.length,
    });

    const whole = await fetchBack(res.body.url);
    expect(whole.res.status).toBe(200);
    expect(whole.res.headers.get('content-type')).toBe('video/mp4');
    expect(whole.res.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.bytes.equals(body)).toBe(true);

    const part = await fetchBack(res.body.url, { range: 'bytes=1000-1099' });
    expect(part.res.status).toBe(206);
    expect(part.res.headers.get('content-range')).toBe(`bytes 1000-1099/${body.length}`);
    expect(part.bytes.equals(body.subarray(1000, 1100))).toBe(true);
    expect(await leftoverUploads()).toEqual([]);
  });

  it('knows MP4, QuickTime and WebM by their first bytes, and nothing else', () => {
    expect(sniffVideo(Buffer.concat([VIDEO_HEAD, Buffer.alloc(64)]))).toEqual({ contentType: 'video/mp4', ext: 'mp4' });
    const qt = Buffer.concat([Buffer.from([0, 0, 0, 0x14]), Buffer.from('ftypqt  ', 'latin1'), Buffer.alloc(64)]);
    expect(sniffVideo(qt)?.contentType).toBe('video/quicktime');
    const webm = Buffer.concat([
      Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84]),
      Buffer.from('webm', 'latin1'),
      Buffer.alloc(64),
    ]);
    expect(sniffVideo(webm)?.contentType).toBe('video/webm');
    const avif = Buffer.concat([Buffer.from([0, 0, 0, 0x1c]), Buffer.from('ftypavifmif1', 'latin1'), Buffer.alloc(64)]);
    expect(sniffVideo(avif)).toBeNull();
    expect(sniffVideo(Buffer.from('GIF89a' + ' '.repeat(64)))).toBeNull();
  });

  it('stops reading a video past 100 MB (413) and leaves no temporary file', async () => {
    const dir = await fs.mkdtemp(path.join(p.dataDir, 'rx-'));
    const chunk = Buffer.alloc(1024 * 1024);
    VIDEO_HEAD.copy(chunk);
    let sent = 0;
    async function* source() {
      for (let i = 0; i < 120; i++) {
        sent += chunk.length;
        yield i === 0 ? chunk : Buffer.alloc(chunk.length);
      }
    }
    const error = await receiveUpload(source(), dir).catch((e: { status?: number; code?: string }) => e);
    expect(error).toMatchObject({ status: 413, code: 'media.upload_video_too_large' });
    expect(sent).toBeLessThanOrEqual(VIDEO_MAX_BYTES + chunk.length);
    expect(await fs.readdir(dir)).toEqual([]);
  });
  it('sweeps temporary uploads a stopped process left behind, not ones in flight', async () => {
    const dir = await fs.mkdtemp(path.join(p.dataDir, 'sweep-'));
    await fs.writeFile(path.join(dir, 'upl_old.part'), 'x');
    await fs.writeFile(path.join(dir, 'upl_new.part'), 'x');
    const hoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await fs.utimes(path.join(dir, 'upl_old.part'), hoursAgo, hoursAgo);
    expect(await sweepStaleUploads(dir)).toBe(1);
    expect(await fs.readdir(dir)).toEqual(['upl_new.part']);
  });
});

describe('who may upload', () => {
  it('needs products.write in that very shop', async () => {
    const png = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#0f0' } })
      .png()
      .toBuffer();
    const staff = await p.signUp('merchant');
    await owner.client.post(`/api/shops/${owner.shopId}/invitations`, {
      identifier: staff.email,
      role: 'customer_service',
    });
    const [inv] = (await staff.client.get('/api/me/invitations')).body.items;
    expect((await staff.client.post(`/api/me/invitations/${inv.id}/accept`)).status).toBe(200);
    const before = await storedFiles(owner.shopId);

    const asStaff = await upload(staff.client, owner.shopId, png, 'a.png', 'image/png');
    expect(asStaff.status).toBe(403);
    expect(asStaff.body.code).toBe('forbidden');

    const otherShop = await upload(owner.client, other.shopId, png, 'a.png', 'image/png');
    expect(otherShop.status).toBe(403);
    expect(await storedFiles(other.shopId)).toEqual([]);
    expect(await storedFiles(owner.shopId)).toEqual(before);

    const anonymous = await upload(p.client(), owner.shopId, png, 'a.png', 'image/png');
    expect(anonymous.status).toBe(401);
  });
});
