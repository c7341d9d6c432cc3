import fs from 'node:fs/promises';
import path from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../kernel/http/server.js';
import type { ModuleContext } from '../../kernel/module.js';
import { shopAccess } from '../shops/index.js';
import * as media from './service.js';
import { configureStorage, IMMUTABLE, mediaRoot } from './storage.js';

const shopIdParams = z.object({ shopId: z.string().min(1).max(64) });
const uploadForm = z.object({ file: z.string().meta({ format: 'binary', description: 'The image or video' }) });
const url = z.string();
export const uploadView = z.object({
  url,
  kind: z.enum(['image', 'video']),
  contentType: z.string(),
  bytes: z.number().int(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  variants: z.object({ '200': url, '480': url, '960': url }).optional(),
});

export async function mediaRoutes(app: App, { config }: ModuleContext) {
  const storage = configureStorage(config);
  const root = mediaRoot(config.DATA_DIR);
  const tmpDir = path.join(config.DATA_DIR, 'upload-tmp');
  await fs.mkdir(root, { recursive: true });
  await media.sweepStaleUploads(tmpDir);
  // Stored names are unique and never rewritten, so they can be cached for good; videos play by Range.
  await app.register(fastifyStatic, {
    root,
    prefix: '/media/',
    decorateReply: false,
    immutable: true,
    maxAge: '365d',
    index: false,
    acceptRanges: true,
    setHeaders: (res) => {
      res.header('cache-control', IMMUTABLE);
      res.header('x-content-type-options', 'nosniff');
    },
  });

  // Only this module's scope parses multipart bodies; the file is streamed, never buffered whole.
  await app.register(fastifyMultipart, {
    limits: { fileSize: media.VIDEO_MAX_BYTES + 1, files: 1, fields: 10, fieldSize: 1024, parts: 20, headerPairs: 100 },
    throwFileSizeLimit: false,
  });

  app.post(
    '/api/shops/:shopId/media',
    {
      config: { permission: 'products.write' },
      // The multipart body is read by the handler as a stream; only the path is validated up front.
      validatorCompiler: (req) => (req.httpPart === 'body' ? () => true : validatorCompiler(req as never)),
      schema: {
        tags: ['media'],
        summary: 'Upload a product image or video',
        description:
          'multipart/form-data with one `file` field. Images (JPEG, PNG, WebP, GIF, AVIF; ≤ 10 MB, checked by content) are ' +
          'turned upright by EXIF, stripped of metadata and stored as WebP: main `…/<id>.webp` (longest side ≤ 1600) and ' +
          'variants `…/<id>_<w>.webp` for w = 200, 480, 960. Videos (MP4, WebM, MOV by their bytes; ≤ 100 MB) are stored as ' +
          'uploaded and served with Range support. 413 when the file is too large.',
        consumes: ['multipart/form-data'],
        params: shopIdParams,
        body: uploadForm,
        response: { 201: uploadView },
      },
    },
    async (request, reply) => {
      const { shopId } = shopAccess(request);
      if (!request.isMultipart()) throw media.fileRequired();
      const part = await request.file().catch((e: { statusCode?: number }) => {
        throw e.statusCode === 413 ? e : media.malformedUpload();
      });
      if (!part || part.fieldname !== 'file') {
        part?.file.resume();
        throw media.fileRequired();
      }
      const upload = await media.receiveUpload(part.file, tmpDir);
      return reply.code(201).send(await media.storeUpload(storage, shopId, upload));
    },
  );
}
