import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../kernel/config.js';
import { variantUrl } from './service.js';
import { configureStorage, createStorage, IMMUTABLE, LocalDiskStorage, S3Storage, storageFor } from './storage.js';

/** Records the commands an S3 client would send; no network. */
function fakeClient() {
  const sent: unknown[] = [];
  return { sent, client: { send: async (command: unknown) => (sent.push(command), {}) } as never };
}

describe('S3 storage (no network)', () => {
  const key = 'shop_01jd000000000000000000000/med_01jd0000000000000000000000.webp';

  it('maps keys to the public URL and back', () => {
    const cdn = new S3Storage({
      bucket: 'qd-media',
      region: 'cn-hangzhou',
      publicUrl: 'https://img.example.com/m/',
      client: fakeClient().client,
    });
    expect(cdn.url(key)).toBe(`https://img.example.com/m/${key}`);
    expect(cdn.keyOf(cdn.url(key))).toBe(key);
    expect(cdn.keyOf(`https://elsewhere.example.com/m/${key}`)).toBeNull();
    expect(cdn.keyOf(`/media/${key}`)).toBeNull();
    expect(cdn.keyOf('https://img.example.com/m/../secret.webp')).toBeNull();

    const minio = new S3Storage({
      bucket: 'qd-media',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9000/',
      client: fakeClient().client,
    });
    expect(minio.url(key)).toBe(`http://127.0.0.1:9000/qd-media/${key}`);
    const aws = new S3Storage({ bucket: 'qd-media', region: 'ap-east-1', client: fakeClient().client });
    expect(aws.url(key)).toBe(`https://qd-media.s3.ap-east-1.amazonaws.com/${key}`);
    // The web's variant convention holds for S3 URLs too.
    expect(variantUrl(aws.url(key), 480)).toBe(aws.url(key.replace('.webp', '_480.webp')));
  });

  it('puts objects under their key with the content type and an immutable Cache-Control', async () => {
    const { sent, client } = fakeClient();
    const s3 = new S3Storage({ bucket: 'qd-media', region: 'us-east-1', client });
    await s3.put(key, Buffer.from('webp bytes'), 'image/webp');
    const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'qd-s3-')), 'clip.mp4');
    await fs.writeFile(file, Buffer.alloc(4096, 1));
    await s3.put('shop_1/med_2.mp4', { path: file }, 'video/mp4');
    await s3.remove(key);

    expect(sent[0]).toBeInstanceOf(PutObjectCommand);
    expect((sent[0] as PutObjectCommand).input).toMatchObject({
      Bucket: 'qd-media',
      Key: key,
      ContentType: 'image/webp',
      CacheControl: IMMUTABLE,
      ContentLength: 10,
    });
    expect((sent[1] as PutObjectCommand).input).toMatchObject({
      Key: 'shop_1/med_2.mp4',
      ContentType: 'video/mp4',
      ContentLength: 4096,
    });
    expect(sent[2]).toBeInstanceOf(DeleteObjectCommand);
    expect((sent[2] as DeleteObjectCommand).input).toEqual({ Bucket: 'qd-media', Key: key });
    await expect(s3.put('../../etc/passwd.txt', Buffer.alloc(1), 'text/plain')).rejects.toThrow(/invalid media key/);
    expect(sent).toHaveLength(3);
  });

  it('speaks S3 to an S3-compatible endpoint (a stand-in on 127.0.0.1)', async () => {
    const seen: { method: string; url: string; headers: http.IncomingHttpHeaders; body: Buffer }[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(req.method === 'DELETE' ? 204 : 200, { etag: '"0"' }).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const s3 = new S3Storage({
        bucket: 'qd-media',
        region: 'us-east-1',
        endpoint: `http://127.0.0.1:${port}`,
        accessKeyId: 'id',
        secretAccessKey: 'secret',
      });
      const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'qd-s3-')), 'clip.mp4');
      const video = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 256));
      await fs.writeFile(file, video);
      await s3.put('shop_1/med_1.webp', Buffer.from('webp!'), 'image/webp');
      await s3.put('shop_1/med_2.mp4', { path: file }, 'video/mp4');
      await s3.remove('shop_1/med_1.webp');
      expect(seen.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual([
        'PUT /qd-media/shop_1/med_1.webp',
        'PUT /qd-media/shop_1/med_2.mp4',
        'DELETE /qd-media/shop_1/med_1.webp',
      ]);
      expect(seen[0]!.headers).toMatchObject({ 'content-type': 'image/webp', 'cache-control': IMMUTABLE });
      expect(seen[0]!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=id\//);
      expect(seen[0]!.body.toString()).toBe('webp!');
      expect(seen[1]!.headers['content-type']).toBe('video/mp4');
      expect(seen[1]!.body.equals(video)).toBe(true);
      expect(s3.url('shop_1/med_2.mp4')).toBe(`http://127.0.0.1:${port}/qd-media/shop_1/med_2.mp4`);
    } finally {
      server.close();
    }
  });

  it('is chosen by S3_BUCKET; the S3 variables are checked together', () => {
    const local = createStorage(loadConfig({ DATA_DIR: '/srv/qd' }));
    expect(local).toBeInstanceOf(LocalDiskStorage);
    expect(local.url('shop-logos/img_1.png')).toBe('/media/shop-logos/img_1.png');
    const s3 = createStorage(
      loadConfig({
        S3_BUCKET: 'qd-media',
        S3_ENDPOINT: 'https://oss-cn-hangzhou.aliyuncs.com',
        S3_ACCESS_KEY_ID: 'id',
        S3_SECRET_ACCESS_KEY: 'secret',
      }),
    );
    expect(s3).toBeInstanceOf(S3Storage);
    expect(s3.url('a/b.webp')).toBe('https://oss-cn-hangzhou.aliyuncs.com/qd-media/a/b.webp');

    expect(() => loadConfig({ S3_ENDPOINT: 'https://s3.example.com' })).toThrow(/S3_BUCKET/);
    expect(() => loadConfig({ S3_BUCKET: 'qd-media', S3_ACCESS_KEY_ID: 'id' })).toThrow(/S3_SECRET_ACCESS_KEY/);
    expect(() => loadConfig({ S3_BUCKET: 'qd-media', S3_PUBLIC_URL: 'ftp://x' })).toThrow(ConfigError);
  });
});

describe('local disk storage', () => {
  it('stores files atomically under DATA_DIR/media and is what older callers get for that directory', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'qd-local-'));
    const storage = configureStorage(loadConfig({ DATA_DIR: dataDir }));
    expect(storageFor(dataDir)).toBe(storage);
    await storage.put('shop_1/med_1.webp', Buffer.from('abc'), 'image/webp');
    const upload = path.join(dataDir, 'upload.part');
    await fs.writeFile(upload, 'video');
    await storage.put('shop_1/med_2.mp4', { path: upload }, 'video/mp4');
    expect((await fs.readdir(path.join(dataDir, 'media', 'shop_1'))).sort()).toEqual(['med_1.webp', 'med_2.mp4']);
    expect(storage.keyOf(storage.url('shop_1/med_1.webp'))).toBe('shop_1/med_1.webp');
    await storage.remove('shop_1/med_1.webp');
    await storage.remove('shop_1/med_1.webp');
    expect(await fs.readdir(path.join(dataDir, 'media', 'shop_1'))).toEqual(['med_2.mp4']);
    expect(storage.keyOf('/media/../session-secret')).toBeNull();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('derives variant URLs only from uploaded main images', () => {
    expect(variantUrl('/media/shop_1/med_01jd0000000000000000000000.webp', 200)).toBe(
      '/media/shop_1/med_01jd0000000000000000000000_200.webp',
    );
    expect(variantUrl('/media/shop-logos/img_01jd0000000000000000000000.png', 200)).toBe(
      '/media/shop-logos/img_01jd0000000000000000000000.png',
    );
    expect(variantUrl('/media/shop_1/med_01jd0000000000000000000000.mp4', 960)).toBe(
      '/media/shop_1/med_01jd0000000000000000000000.mp4',
    );
  });
});
