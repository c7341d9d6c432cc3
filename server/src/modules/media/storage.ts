import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../../kernel/config.js';

/** What to store: bytes in memory, or a finished file on local disk (which the storage may move away). */
export type MediaBody = Buffer | { path: string };

/**
 * Where uploaded media live. Keys are relative, slash-separated and never reused
 * (`<shopId>/<id>.webp`, `shop-logos/<id>.png`), so whatever serves them may cache them forever.
 */
export interface MediaStorage {
  /** Stores `body` under `key`; once this resolves the object is complete and readable at `url(key)`. */
  put(key: string, body: MediaBody, contentType: string): Promise<void>;
  /** The public URL browsers load the object from (`/media/<key>` on local disk). */
  url(key: string): string;
  /** Deletes the object; deleting one that does not exist is not an error. */
  remove(key: string): Promise<void>;
  /** The key behind a URL this storage made, or null for any other URL. */
  keyOf(url: string): string | null;
}

/** Cache-Control for stored objects: their keys are never rewritten. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

const KEY = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*\.[a-z0-9]+$/;

export function assertKey(key: string): string {
  if (!KEY.test(key)) throw new Error(`invalid media key ${JSON.stringify(key)}`);
  return key;
}

export const mediaRoot = (dataDir: string) => path.join(dataDir, 'media');

/** The default: files under DATA_DIR/media, served by the app at /media/ (with Range support). */
export class LocalDiskStorage implements MediaStorage {
  constructor(readonly root: string) {}

  async put(key: string, body: MediaBody, _contentType: string): Promise<void> {
    const file = path.join(this.root, assertKey(key));
    await fs.mkdir(path.dirname(file), { recursive: true });
    // Written beside the target and renamed, so a half-written file is never served (and cached).
    const partial = `${file}.partial`;
    try {
      if (Buffer.isBuffer(body)) await fs.writeFile(partial, body);
      else {
        // A finished upload on the same disk is moved, not copied (it is the caller's to give away).
        const moved = await fs.rename(body.path, file).then(
          () => true,
          (e: NodeJS.ErrnoException) => {
            if (e.code === 'EXDEV') return false;
            throw e;
          },
        );
        if (moved) return;
        await fs.copyFile(body.path, partial);
      }
      await fs.rename(partial, file);
    } catch (e) {
      await fs.rm(partial, { force: true });
      throw e;
    }
  }

  url(key: string): string {
    return `/media/${assertKey(key)}`;
  }

  async remove(key: string): Promise<void> {
    await fs.rm(path.join(this.root, assertKey(key)), { force: true });
  }

  keyOf(url: string): string | null {
    if (!url.startsWith('/media/')) return null;
    const key = url.slice('/media/'.length);
    return KEY.test(key) ? key : null;
  }
}

export interface S3Options {
  bucket: string;
  region: string;
  /** A non-AWS endpoint (MinIO, Aliyun OSS, Tencent COS…); addressed path-style. */
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Base URL browsers read objects from; default the bucket's own address. */
  publicUrl?: string;
  /** For tests: anything with the client's `send`. */
  client?: Pick<S3Client, 'send'>;
}

/** Any S3-compatible object store. The object key is the media key itself. */
export class S3Storage implements MediaStorage {
  readonly publicBase: string;
  private client?: Promise<Pick<S3Client, 'send'>>;

  constructor(private readonly opts: S3Options) {
    this.publicBase = (
      opts.publicUrl ??
      (opts.endpoint
        ? `${opts.endpoint.replace(/\/+$/, '')}/${opts.bucket}`
        : `https://${opts.bucket}.s3.${opts.region}.amazonaws.com`)
    ).replace(/\/+$/, '');
  }

  /** The SDK is loaded on first use, so servers storing on local disk never pay for it. */
  private async send(command: (sdk: typeof import('@aws-sdk/client-s3')) => unknown): Promise<void> {
    const sdk = await import('@aws-sdk/client-s3');
    const { endpoint, region, accessKeyId, secretAccessKey } = this.opts;
    this.client ??= Promise.resolve(
      this.opts.client ??
        new sdk.S3Client({
          region,
          // Other S3-compatible services take path-style requests and often not the SDK's newer
          // default of streamed (aws-chunked) checksums.
          ...(endpoint
            ? {
                endpoint: endpoint.replace(/\/+$/, ''),
                forcePathStyle: true,
                requestChecksumCalculation: 'WHEN_REQUIRED' as const,
                responseChecksumValidation: 'WHEN_REQUIRED' as const,
              }
            : {}),
          ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
        }),
    );
    await (await this.client).send(command(sdk) as never);
  }

  async put(key: string, body: MediaBody, contentType: string): Promise<void> {
    const common = { Bucket: this.opts.bucket, Key: assertKey(key), ContentType: contentType, CacheControl: IMMUTABLE };
    if (Buffer.isBuffer(body)) {
      await this.send((sdk) => new sdk.PutObjectCommand({ ...common, Body: body, ContentLength: body.length }));
    } else {
      const { size } = await fs.stat(body.path);
      await this.send(
        (sdk) => new sdk.PutObjectCommand({ ...common, Body: createReadStream(body.path), ContentLength: size }),
      );
    }
  }

  url(key: string): string {
    return `${this.publicBase}/${assertKey(key)}`;
  }

  async remove(key: string): Promise<void> {
    await this.send((sdk) => new sdk.DeleteObjectCommand({ Bucket: this.opts.bucket, Key: assertKey(key) }));
  }

  keyOf(url: string): string | null {
    if (!url.startsWith(`${this.publicBase}/`)) return null;
    const key = url.slice(this.publicBase.length + 1);
    return KEY.test(key) ? key : null;
  }
}

/** The storage the configuration asks for: S3 when S3_BUCKET is set, else local disk. */
export function createStorage(
  config: Pick<
    Config,
    | 'DATA_DIR'
    | 'S3_BUCKET'
    | 'S3_REGION'
    | 'S3_ENDPOINT'
    | 'S3_ACCESS_KEY_ID'
    | 'S3_SECRET_ACCESS_KEY'
    | 'S3_PUBLIC_URL'
  >,
): MediaStorage {
  if (!config.S3_BUCKET) return new LocalDiskStorage(mediaRoot(config.DATA_DIR));
  return new S3Storage({
    bucket: config.S3_BUCKET,
    region: config.S3_REGION,
    endpoint: config.S3_ENDPOINT,
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    publicUrl: config.S3_PUBLIC_URL,
  });
}

const configured = new Map<string, MediaStorage>();

/** Sets up the storage for an app (called by the module); later `storageFor(DATA_DIR)` returns it. */
export function configureStorage(config: Parameters<typeof createStorage>[0]): MediaStorage {
  const storage = createStorage(config);
  configured.set(path.resolve(config.DATA_DIR), storage);
  return storage;
}

/**
 * The storage of the app whose DATA_DIR this is — the handle older callers (shop logos) pass.
 * Local disk under that directory when no app configured one.
 */
export function storageFor(dataDir: string): MediaStorage {
  return configured.get(path.resolve(dataDir)) ?? new LocalDiskStorage(mediaRoot(dataDir));
}
