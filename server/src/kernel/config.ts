import path from 'node:path';
import { z } from 'zod';

const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
    );

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./.data'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  NATS_URL: url(['nats:', 'tls:']).optional(),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Requests a minute per account (or client address when signed out); sign-in has its own lower limits. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(600),
  /**
   * Days the Qimen message log keeps a message (a recurring job deletes older ones). At least 7:
   * the log also answers a WMS's retried confirms as duplicates for that long.
   */
  QIMEN_LOG_RETENTION_DAYS: z.coerce.number().int().min(7).max(3650).default(30),
  /** Where this server is reached from outside (payment notifications, links); default http://127.0.0.1:PORT. */
  PUBLIC_URL: url(['http:', 'https:']).optional(),
  /** Secret for signing cookies; generated once into DATA_DIR when not given. */
  SESSION_SECRET: z.string().min(32).optional(),
  /** Send cookies with the Secure flag (set behind HTTPS). */
  COOKIE_SECURE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** S3-compatible object storage for media; without S3_BUCKET media are kept under DATA_DIR/media. */
  S3_BUCKET: z.string().trim().min(3).max(63).optional(),
  /** Endpoint of a non-AWS service (MinIO, OSS, COS…); path-style addressing is used with it. */
  S3_ENDPOINT: url(['http:', 'https:']).optional(),
  S3_REGION: z.string().trim().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Where stored objects are read from by browsers (a CDN or the bucket's public address). */
  S3_PUBLIC_URL: url(['http:', 'https:']).optional(),
});

/** The S3 variables only make sense together. */
function s3Issues(c: z.infer<typeof schema>): string[] {
  const issues: string[] = [];
  const others = [c.S3_ENDPOINT, c.S3_ACCESS_KEY_ID, c.S3_SECRET_ACCESS_KEY, c.S3_PUBLIC_URL];
  if (!c.S3_BUCKET && others.some(Boolean)) issues.push('  S3_BUCKET: is required with the other S3_ variables');
  if (!c.S3_ACCESS_KEY_ID !== !c.S3_SECRET_ACCESS_KEY) {
    issues.push('  S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: give both or neither');
  }
  return issues;
}

export type Config = Omit<z.infer<typeof schema>, 'DATA_DIR' | 'PUBLIC_URL'> & { DATA_DIR: string; PUBLIC_URL: string };

export class ConfigError extends Error {}

/** Reads and validates the environment; throws a ConfigError listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  const lines = parsed.success
    ? s3Issues(parsed.data)
    : parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  if (!parsed.success || lines.length) throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  const data = parsed.data;
  return {
    ...data,
    DATA_DIR: path.resolve(data.DATA_DIR),
    PUBLIC_URL: (data.PUBLIC_URL ?? `http://127.0.0.1:${data.PORT}`).replace(/\/$/, ''),
  };
}
