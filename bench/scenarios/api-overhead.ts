/**
 * api-overhead: what the platform costs per request over a bare Fastify route.
 *
 * Starts the real platform in this process (migrated, on the embedded PostgreSQL or
 * BENCH_DATABASE_URL), seeds a merchant, a shop and its staff through the HTTP API, then drives
 * the workbench home `GET /api/shops/:shopId/overview` with session cookies — session lookup,
 * rate limit, shop authorisation under row-level security, counts and the activity list — and,
 * in the same run and the same process, a bare Fastify route returning a small JSON object.
 * ratio = workbench_rps / bare_rps.
 *
 * The load generator runs in its own process. The platform rate-limits each account (600
 * requests a minute), so the load rotates over enough staff sessions to stay under it.
 */
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { identity } from '../../server/src/modules/identity/index.js';
import { ApiClient } from '../lib/http.js';
import { measure } from '../lib/load.js';
import { startPlatform, type BenchPlatform } from '../lib/platform.js';

export const description =
  'workbench read (GET /api/shops/:shopId/overview, signed in) vs a bare Fastify JSON route, same process';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const WARMUP_S = 1;
const ROUNDS = Math.max(1, Math.min(DURATION_S, 5));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
/** The platform's default per-account limit, and how much of it the load may use. */
const RATE_LIMIT_PER_MIN = 600;
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 32);
const PASSWORD = 'bench-password-2026';

const tag = `${process.pid}.${Date.now()}`;
const email = (who: string) => `${who}.${tag}@bench.qiandian.dev`;

interface Seeded {
  shopId: string;
  /** One `Cookie` header per signed-in member of the shop. */
  cookies: string[];
}

/** Merchant registers and applies, an operator approves, staff are invited and accept: all over HTTP. */
async function seed(p: BenchPlatform): Promise<Seeded> {
  const owner = new ApiClient(p.base);
  await owner.post('/api/auth/register', {
    kind: 'merchant',
    email: email('owner'),
    password: PASSWORD,
    displayName: 'Bench Owner',
  });
  const categories = await owner.get<{ items: { code: string }[] }>('/api/shop-categories');
  const { shop } = await owner.post<{ shop: { id: string } }>('/api/shop-applications', {
    name: `Bench ${tag}`.slice(0, 40),
    mainCategory: categories.items[0]!.code,
    contactName: 'Bench',
    contactPhone: '13900000000',
    licenceNo: `9133${String(Date.now()).slice(-10)}0001`,
  });

  // No one may sign up as an operator over HTTP: create one with the identity service, then sign in.
  await identity.register(p.db, {
    kind: 'operator',
    email: email('operator'),
    password: PASSWORD,
    displayName: 'Bench Operator',
  });
  const operator = new ApiClient(p.base);
  await operator.post('/api/auth/login', { identifier: email('operator'), password: PASSWORD });
  await operator.post(`/api/admin/shop-applications/${shop.id}/approve`);

  // Staff: accounts and sessions from the identity service (HTTP sign-up is rate-limited per
  // address), membership through the real invitation flow.
  const cookies = [owner.cookieHeader()];
  const staff = await Promise.all(
    Array.from({ length: SESSIONS - 1 }, async (_, i) => {
      const account = await identity.register(p.db, {
        kind: 'merchant',
        email: email(`staff${i}`),
        password: PASSWORD,
        displayName: `Staff ${i}`,
      });
      const session = await identity.createSession(p.db, account.id, 'bench');
      return { email: account.email!, client: new ApiClient(p.base).setCookie('qd_session', session.token) };
    }),
  );
  await Promise.all(
    staff.map(async (s) => {
      const invitation = await owner.post<{ id: string }>(`/api/shops/${shop.id}/invitations`, {
        identifier: s.email,
        role: 'operations',
      });
      await s.client.post(`/api/me/invitations/${invitation.id}/accept`);
    }),
  );
  cookies.push(...staff.map((s) => s.client.cookieHeader()));

  const overview = await owner.get<{ shop: { status: string }; counts: { members: number } }>(
    `/api/shops/${shop.id}/overview`,
  );
  if (overview.shop.status !== 'active' || overview.counts.members !== SESSIONS) {
    throw new Error(`unexpected overview: ${JSON.stringify(overview).slice(0, 300)}`);
  }
  return { shopId: shop.id, cookies };
}

async function startBare() {
  const bare = Fastify({ logger: false });
  bare.get('/bare', async () => ({ status: 'ok', shop: 'Bench', members: 64 }));
  await bare.listen({ host: '127.0.0.1', port: 0 });
  return { app: bare, url: `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}/bare` };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

const t0 = Date.now();
const progress = (what: string) => console.error(`[api-overhead ${((Date.now() - t0) / 1000).toFixed(1)}s] ${what}`);

export async function run(): Promise<Record<string, number | string>> {
  const platform = await startPlatform();
  progress(`platform up at ${platform.base} (${platform.database} PostgreSQL)`);
  const bare = await startBare();
  try {
    const { shopId, cookies } = await seed(platform);
    progress(`seeded shop ${shopId} with ${cookies.length} signed-in members`);
    const workbench = {
      url: `${platform.base}/api/shops/${shopId}/overview`,
      headers: { 'accept-language': 'zh-CN' },
      cookies,
    };
    progress(`measuring ${DURATION_S}s each, in ${ROUNDS} alternating rounds, at ${CONNECTIONS} connections`);
    const figures = await measure({
      targets: { workbench, bare: { url: bare.url } },
      connections: CONNECTIONS,
      durationSec: DURATION_S,
      rounds: ROUNDS,
      warmupSec: WARMUP_S,
    });
    const w = figures.workbench!;
    const b = figures.bare!;
    progress('measured');

    // Each account may make RATE_LIMIT_PER_MIN requests in a minute, and the run is shorter.
    const budget = Math.round((cookies.length * RATE_LIMIT_PER_MIN) / (WARMUP_S + DURATION_S));
    if (w.rps > budget * 0.8) {
      console.error(`warning: ${w.rps} req/s is close to the rate-limit budget of ${budget}/s; raise BENCH_SESSIONS`);
    }
    return {
      workbench_rps: w.rps,
      workbench_p50_ms: w.p50_ms,
      workbench_p99_ms: w.p99_ms,
      bare_rps: b.rps,
      bare_p50_ms: b.p50_ms,
      bare_p99_ms: b.p99_ms,
      ratio: round(w.rps / b.rps),
      connections: CONNECTIONS,
      duration_s: DURATION_S,
      sessions: cookies.length,
      database: platform.database,
    };
  } finally {
    await bare.app.close();
    await platform.close();
  }
}
