import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, licence, type TestPlatform, uniqueEmail } from '../../../test/app.js';

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});

const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const application = (name = `茶舍 ${Date.now()} ${Math.random()}`) => ({
  name: name.slice(0, 40),
  mainCategory: 'food',
  contactName: '林',
  contactPhone: '0571-88880001',
  licenceNo: licence(),
});

describe('onboarding', () => {
  it('a merchant applies with a logo, the operator approves, the shop opens', async () => {
    const owner = await p.signUp('merchant');
    const applied = await owner.client.post('/api/shop-applications', { ...application(), logo: PNG });
    expect(applied.status).toBe(201);
    expect(applied.body.shop.status).toBe('pending');
    const logo = await p.client().get(applied.body.shop.logoUrl);
    expect(logo.status).toBe(200);
    expect(logo.headers['cache-control']).toMatch(/immutable/);

    const shopId = applied.body.shop.id;
    // Until approved, the workbench answers only the home.
    expect((await owner.client.get(`/api/shops/${shopId}/overview`)).body.shop.status).toBe('pending');
    const closed = await owner.client.get(`/api/shops/${shopId}/members`);
    expect(closed.status).toBe(409);
    expect(closed.body.code).toBe('shops.not_active');

    const operator = await p.operator();
    const queue = await operator.get('/api/admin/shop-applications?status=pending');
    expect(queue.body.items.map((s: { id: string }) => s.id)).toContain(shopId);
    const approved = await operator.post(`/api/admin/shop-applications/${shopId}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body.shop.status).toBe('active');
    expect((await operator.post(`/api/admin/shop-applications/${shopId}/approve`)).status).toBe(409);
    const mine = await owner.client.get('/api/me/shops');
    expect(mine.body.items).toEqual([
      expect.objectContaining({ role: 'owner', shop: expect.objectContaining({ id: shopId, status: 'active' }) }),
    ]);
    expect((await owner.client.get(`/api/shops/${shopId}/members`)).status).toBe(200);
  });

  it('rejects with a reason the owner can read', async () => {
    const owner = await p.signUp('merchant');
    const { body } = await owner.client.post('/api/shop-applications', application());
    const operator = await p.operator();
    const noReason = await operator.post(`/api/admin/shop-applications/${body.shop.id}/reject`, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].field).toBe('body.reason');
    const rejected = await operator.post(`/api/admin/shop-applications/${body.shop.id}/reject`, {
      reason: '营业执照不清晰',
    });
    expect(rejected.body.shop).toMatchObject({ status: 'rejected', rejectReason: '营业执照不清晰' });
    expect((await owner.client.get('/api/me/shops')).body.items[0].shop.rejectReason).toBe('营业执照不清晰');
  });

  it('only operators review, only merchants apply, and bad applications write nothing', async () => {
    const shopper = await p.signUp('shopper');
    const asShopper = await shopper.client.post('/api/shop-applications', application());
    expect(asShopper.status).toBe(403);
    const merchant = await p.signUp('merchant');
    expect((await merchant.client.get('/api/admin/shop-applications')).status).toBe(403);
    expect((await p.client().get('/api/admin/shop-applications')).status).toBe(401);
    const before = (await p.db.execute<{ n: number }>(sql`select count(*)::int n from shops`)).rows[0]!.n;
    const bad = await merchant.client.post('/api/shop-applications', {
      ...application(),
      licenceNo: '123',
      mainCategory: 'weapons',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'body.licenceNo',
      'body.mainCategory',
    ]);
    const badLogo = await merchant.client.post('/api/shop-applications', {
      ...application(),
      logo: 'data:image/png;base64,aGVsbG8=',
    });
    expect(badLogo.status).toBe(400);
    expect(badLogo.body.errors[0]).toMatchObject({ field: 'body.logo', code: 'invalid_image' });
    const name = `Dup ${Date.now()}`;
    expect((await merchant.client.post('/api/shop-applications', application(name))).status).toBe(201);
    const dup = await (await p.signUp('merchant')).client.post('/api/shop-applications', application(name));
    expect(dup.status).toBe(409);
    const after = (await p.db.execute<{ n: number }>(sql`select count(*)::int n from shops`)).rows[0]!.n;
    expect(after).toBe(before + 1);
  });
});

describe('staff and roles', () => {
  it('the owner invites customer service, who joins and sees only what the role allows', async () => {
    const owner = await p.shopOwner();
    const csEmail = uniqueEmail('cs');
    const invited = await owner.client.post(`/api/shops/${owner.shopId}/invitations`, {
      identifier: csEmail.toUpperCase(),
      role: 'customer_service',
    });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({ identifier: csEmail, status: 'pending' });
    const again = await owner.client.post(`/api/shops/${owner.shopId}/invitations`, {
      identifier: csEmail,
      role: 'warehouse',
    });
    expect(again.status).toBe(409);

    const cs = await p.signUp('merchant', csEmail);
    const inbox = await cs.client.get('/api/me/invitations');
    expect(inbox.body.items).toEqual([expect.objectContaining({ shopId: owner.shopId, role: 'customer_service' })]);
    const accepted = await cs.client.post(`/api/me/invitations/${inbox.body.items[0].id}/accept`);
    expect(accepted.body).toEqual({ shopId: owner.shopId, role: 'customer_service' });
    expect((await cs.client.post(`/api/me/invitations/${inbox.body.items[0].id}/accept`)).status).toBe(409);

    const overview = await cs.client.get(`/api/shops/${owner.shopId}/overview`);
    expect(overview.status).toBe(200);
    expect(overview.body.role).toBe('customer_service');
    expect(overview.body.permissions).not.toContain('staff.manage');
    const staffPage = await cs.client.get(`/api/shops/${owner.shopId}/members`);
    expect(staffPage.status).toBe(403);
    expect(staffPage.body.code).toBe('forbidden');
    expect(
      (
        await cs.client.post(`/api/shops/${owner.shopId}/invitations`, {
          identifier: uniqueEmail(),
          role: 'operations',
        })
      ).status,
    ).toBe(403);

    const members = await owner.client.get(`/api/shops/${owner.shopId}/members`);
    expect(members.body.items.map((m: { role: string }) => m.role).sort()).toEqual(['customer_service', 'owner']);

    // Promote, then remove: access follows at once.
    expect(
      (await owner.client.patch(`/api/shops/${owner.shopId}/members/${cs.accountId}`, { role: 'operations' })).body
        .role,
    ).toBe('operations');
    expect(
      (await owner.client.patch(`/api/shops/${owner.shopId}/members/${owner.accountId}`, { role: 'operations' }))
        .status,
    ).toBe(409);
    expect(
      (await owner.client.patch(`/api/shops/${owner.shopId}/members/${cs.accountId}`, { role: 'owner' })).status,
    ).toBe(400);
    expect((await owner.client.delete(`/api/shops/${owner.shopId}/members/${cs.accountId}`)).status).toBe(204);
    expect((await cs.client.get(`/api/shops/${owner.shopId}/overview`)).status).toBe(403);
    expect((await cs.client.get('/api/me/shops')).body.items).toEqual([]);
  });

  it('one account works for two shops and switches between them', async () => {
    const a = await p.shopOwner();
    const b = await p.shopOwner();
    const ops = await p.signUp('merchant');
    for (const shop of [a, b]) {
      await shop.client.post(`/api/shops/${shop.shopId}/invitations`, { identifier: ops.email, role: 'operations' });
    }
    for (const inv of (await ops.client.get('/api/me/invitations')).body.items) {
      expect((await ops.client.post(`/api/me/invitations/${inv.id}/accept`)).status).toBe(200);
    }
    const mine = await ops.client.get('/api/me/shops');
    expect(mine.body.items.map((m: { shop: { id: string } }) => m.shop.id).sort()).toEqual([a.shopId, b.shopId].sort());
    for (const shop of [a, b])
      expect((await ops.client.get(`/api/shops/${shop.shopId}/overview`)).body.shop.id).toBe(shop.shopId);
  });

  it('a shopper account cannot join as staff; invitations can be revoked; the wrong account cannot accept', async () => {
    const owner = await p.shopOwner();
    const shopper = await p.signUp('shopper');
    await owner.client.post(`/api/shops/${owner.shopId}/invitations`, {
      identifier: shopper.email,
      role: 'shopping_guide',
    });
    const [inv] = (await shopper.client.get('/api/me/invitations')).body.items;
    expect((await shopper.client.post(`/api/me/invitations/${inv.id}/accept`)).status).toBe(403);
    const stranger = await p.signUp('merchant');
    expect((await stranger.client.post(`/api/me/invitations/${inv.id}/accept`)).status).toBe(403);
    expect((await owner.client.delete(`/api/shops/${owner.shopId}/invitations/${inv.id}`)).status).toBe(204);
    expect((await shopper.client.get('/api/me/invitations')).body.items).toEqual([]);
    const bad = await owner.client.post(`/api/shops/${owner.shopId}/invitations`, {
      identifier: 'nobody',
      role: 'operations',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('body.identifier');
  });

  it('replays a mutation sent again with the same Idempotency-Key', async () => {
    const owner = await p.shopOwner();
    const body = { identifier: uniqueEmail('idem'), role: 'warehouse' };
    const headers = { 'idempotency-key': `key-${Date.now()}` };
    const [first, second] = await Promise.all([
      owner.client.post(`/api/shops/${owner.shopId}/invitations`, body, headers),
      owner.client.post(`/api/shops/${owner.shopId}/invitations`, body, headers),
    ]);
    // Concurrent duplicates: one succeeds, the other is told it is in progress (never a second invitation).
    const statuses = [first.status, second.status].sort();
    expect(statuses[0]).toBe(201);
    const replay = await owner.client.post(`/api/shops/${owner.shopId}/invitations`, body, headers);
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.id).toBe((first.status === 201 ? first : second).body.id);
    const reused = await owner.client.post(
      `/api/shops/${owner.shopId}/invitations`,
      { ...body, role: 'operations' },
      headers,
    );
    expect(reused.status).toBe(422);
    const n = await p.db.execute<{ n: number }>(
      sql`select count(*)::int n from shop_invitations where identifier = ${body.identifier}`,
    );
    expect(n.rows[0]!.n).toBe(1);
  });
});

describe('lists', () => {
  it('paginate by cursor without gaps or repeats', async () => {
    const owner = await p.shopOwner();
    const staff = await Promise.all(Array.from({ length: 4 }, () => p.signUp('merchant')));
    for (const s of staff)
      await owner.client.post(`/api/shops/${owner.shopId}/invitations`, { identifier: s.email, role: 'warehouse' });
    for (const s of staff) {
      const [inv] = (await s.client.get('/api/me/invitations')).body.items;
      await s.client.post(`/api/me/invitations/${inv.id}/accept`);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { accountId: string }[]; nextCursor: string | null } } = await owner.client.get(
        `/api/shops/${owner.shopId}/members?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((m) => m.accountId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    const bad = await owner.client.get(`/api/shops/${owner.shopId}/members?cursor=%%%`);
    expect(bad.status).toBe(400);
    const tooMany = await owner.client.get(`/api/shops/${owner.shopId}/members?limit=1000`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors[0].field).toBe('query.limit');
  });
});

describe('rate limits', () => {
  it('answer 429 problem+json with Retry-After once an account exceeds its budget', async () => {
    const c = p.client();
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) {
      const r = await c.post('/api/auth/register', {
        kind: 'shopper',
        email: uniqueEmail('rl'),
        password: 'long enough',
        displayName: 'r',
      });
      statuses.push(r.status);
      if (r.status === 429) {
        expect(r.headers['content-type']).toMatch(/problem\+json/);
        expect(r.body.code).toBe('rate_limited');
        expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      }
    }
    expect(statuses.filter((s) => s === 201).length).toBeLessThanOrEqual(20);
    expect(statuses).toContain(429);
  });
});

describe('activity on the workbench home', () => {
  it('tells what happened in the shop, from its events, in the reader’s language', async () => {
    const { startEventBus } = await import('../../kernel/events/dispatcher.js');
    const { subscribersOf } = await import('../../app.js');
    const owner = await p.shopOwner();
    await owner.client.post(`/api/shops/${owner.shopId}/invitations`, {
      identifier: uniqueEmail('act'),
      role: 'warehouse',
    });
    await owner.client.patch(`/api/shops/${owner.shopId}`, { contactName: '新联系人' });
    const log = { info() {}, warn() {}, error() {}, debug() {}, child: () => log } as never;
    const bus = await startEventBus({
      db: p.db,
      subscribers: subscribersOf({ db: p.db, log } as never),
      log,
      workerId: 'test',
      pollMs: 60_000,
    });
    try {
      while ((await bus.drain()) > 0);
    } finally {
      await bus.stop();
    }
    const en = await owner.client.get(`/api/shops/${owner.shopId}/overview`);
    const summaries = en.body.activity.map((a: { summary: string }) => a.summary);
    expect(summaries).toEqual(
      expect.arrayContaining([
        'updated the shop details',
        expect.stringMatching(/^invited .* as warehouse$/),
        expect.stringMatching(/^applied to open/),
      ]),
    );
    owner.client.locale = 'zh-CN';
    const zh = await owner.client.get(`/api/shops/${owner.shopId}/overview`);
    expect(zh.body.activity.map((a: { summary: string }) => a.summary)).toContain('修改了店铺信息');
    expect(zh.body.counts).toEqual({ members: 1, pendingInvitations: 1 });
  });
});
