import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform, uniqueEmail } from '../../../test/app.js';

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});

const count = async (table: string) =>
  (await p.db.execute<{ n: number }>(sql.raw(`select count(*)::int as n from ${table}`))).rows[0]!.n;

describe('registration', () => {
  it('registers a merchant by email and signs them in', async () => {
    const c = p.client();
    const email = uniqueEmail('Merchant');
    const res = await c.post('/api/auth/register', {
      kind: 'merchant',
      email,
      password: 'long enough',
      displayName: '王老板',
    });
    expect(res.status).toBe(201);
    expect(res.body.account).toMatchObject({ kind: 'merchant', email: email.toLowerCase(), displayName: '王老板' });
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/qd_session=.*HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const me = await c.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.account.id).toBe(res.body.account.id);
    const stored = await p.db.execute<{ password_hash: string }>(
      sql`select password_hash from accounts where id = ${res.body.account.id}`,
    );
    expect(stored.rows[0]!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('normalises a mainland mobile number and signs in with it', async () => {
    const c = p.client();
    const res = await c.post('/api/auth/register', {
      kind: 'shopper',
      mobile: '+86 139-1234-5678',
      password: 'long enough',
      displayName: 'm',
    });
    expect(res.status).toBe(201);
    expect(res.body.account.mobile).toBe('13912345678');
    const login = await p.client().post('/api/auth/login', { identifier: '13912345678', password: 'long enough' });
    expect(login.status).toBe(200);
  });

  it('refuses bad input with 400 naming the fields, in the request language, writing nothing', async () => {
    const before = await count('accounts');
    const en = await p
      .client('en-US')
      .post('/api/auth/register', { kind: 'merchant', email: 'not-an-email', password: 'short', displayName: '' });
    expect(en.status).toBe(400);
    expect(en.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(en.body.code).toBe('validation_failed');
    expect(en.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'body.displayName',
      'body.email',
      'body.password',
    ]);
    const zh = await p
      .client('zh-CN')
      .post('/api/auth/register', { kind: 'merchant', email: 'x@y.cn', password: 'short', displayName: 'a' });
    expect(zh.status).toBe(400);
    expect(zh.body.detail).toMatch(/[\u4e00-\u9fa5]/);
    expect(zh.body.errors[0].message).toMatch(/[\u4e00-\u9fa5]/);
    const neither = await p
      .client()
      .post('/api/auth/register', { kind: 'merchant', password: 'long enough', displayName: 'a' });
    expect(neither.status).toBe(400);
    expect(neither.body.errors[0].field).toBe('body.email');
    const operator = await p.client().post('/api/auth/register', {
      kind: 'operator',
      email: uniqueEmail(),
      password: 'long enough',
      displayName: 'a',
    });
    expect(operator.status).toBe(400);
    const malformed = await p
      .client()
      .request('POST', '/api/auth/register', '{"kind":', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(await count('accounts')).toBe(before);
  });

  it('answers a duplicate registration with 409, also when ten arrive at once', async () => {
    const email = uniqueEmail('dup');
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        p.client().post('/api/auth/register', { kind: 'shopper', email, password: 'long enough', displayName: 'd' }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(9);
    const conflict = results.find((r) => r.status === 409)!;
    expect(conflict.body.code).toBe('identity.already_registered');
    const n = await p.db.execute<{ n: number }>(sql`select count(*)::int as n from accounts where email = ${email}`);
    expect(n.rows[0]!.n).toBe(1);
  });
});

describe('sessions', () => {
  it('refuses a state-changing request without the CSRF token', async () => {
    const { client } = await p.signUp('merchant');
    const res = await p.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: { cookie: client.cookieHeader, 'accept-language': 'en-US' },
      payload: { currentPassword: 'correct horse', newPassword: 'another horse' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('csrf_invalid');
  });

  it('signs in, out, and refuses wrong passwords with 401', async () => {
    const { email } = await p.signUp('merchant');
    const c = p.client();
    expect((await c.post('/api/auth/login', { identifier: email, password: 'wrong password' })).status).toBe(401);
    expect(
      (await c.post('/api/auth/login', { identifier: email.toUpperCase(), password: 'correct horse' })).status,
    ).toBe(200);
    expect((await c.get('/api/auth/me')).status).toBe(200);
    expect((await c.post('/api/auth/logout')).status).toBe(204);
    const me = await c.get('/api/auth/me');
    expect(me.status).toBe(401);
    expect(me.body.code).toBe('unauthenticated');
  });

  it('throttles sign-in after repeated failures, even with the right password', async () => {
    const { email } = await p.signUp('shopper');
    const c = p.client();
    for (let i = 0; i < 5; i++)
      expect((await c.post('/api/auth/login', { identifier: email, password: `wrong ${i}` })).status).toBe(401);
    const blocked = await c.post('/api/auth/login', { identifier: email, password: 'correct horse' });
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('identity.login_throttled');
    expect(blocked.headers['retry-after']).toBeDefined();
  });

  it('changes the password and signs out the other sessions only', async () => {
    const { client: first, email } = await p.signUp('merchant');
    const second = p.client();
    await second.post('/api/auth/login', { identifier: email, password: 'correct horse' });
    const wrong = await first.post('/api/auth/password', {
      currentPassword: 'nope nope',
      newPassword: 'brand new pass',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].field).toBe('body.currentPassword');
    expect(
      (await first.post('/api/auth/password', { currentPassword: 'correct horse', newPassword: 'brand new pass' }))
        .status,
    ).toBe(204);
    expect((await first.get('/api/auth/me')).status).toBe(200);
    expect((await second.get('/api/auth/me')).status).toBe(401);
    expect((await p.client().post('/api/auth/login', { identifier: email, password: 'correct horse' })).status).toBe(
      401,
    );
    expect((await p.client().post('/api/auth/login', { identifier: email, password: 'brand new pass' })).status).toBe(
      200,
    );
  });
});

describe('API kernel', () => {
  it('serves OpenAPI 3.1, health, readiness and request ids', async () => {
    const doc = await p.client().get('/api/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toContain('/api/shops/{shopId}/members');
    expect((await p.client().get('/api/health')).body).toEqual({ status: 'ok' });
    const ready = await p.client().get('/api/ready');
    expect(ready.status).toBe(200);
    expect(ready.headers['x-request-id']).toMatch(/^req_/);
    const missing = await p.client().get('/api/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('route_not_found');
  });
});
