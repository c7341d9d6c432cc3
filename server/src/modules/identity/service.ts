import { createHash } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify, type Options } from '@node-rs/argon2';
import { and, eq, gt, inArray, lt, ne, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Executor } from '../../kernel/db/pool.js';
import { emit } from '../../kernel/events/outbox.js';
import type { AccountKind, Principal } from '../../kernel/http/auth.js';
import { AppError, badRequest, notFound } from '../../kernel/http/errors.js';
import { defineMessages } from '../../kernel/http/i18n.js';
import { newId, newToken } from '../../kernel/ids.js';
import { accounts, loginAttempts, sessions } from './schema.js';

export const SESSION_DAYS = 30;
const THROTTLE_WINDOW_MIN = 15;
const MAX_FAILURES_PER_IDENTIFIER = 5;
const MAX_FAILURES_PER_IP = 50;

defineMessages({
  'identity.already_registered': {
    'zh-CN': '该邮箱或手机号已注册，请直接登录',
    'en-US': 'This email address or mobile number is already registered; please sign in',
  },
  'identity.email_taken': { 'zh-CN': '该邮箱已注册', 'en-US': 'This email address is already registered' },
  'identity.mobile_taken': { 'zh-CN': '该手机号已注册', 'en-US': 'This mobile number is already registered' },
  'identity.bad_credentials': { 'zh-CN': '账号或密码错误', 'en-US': 'Wrong account or password' },
  'identity.login_throttled': {
    'zh-CN': '登录失败次数过多，请 {minutes} 分钟后再试',
    'en-US': 'Too many failed sign-ins; try again in {minutes} minutes',
  },
  'identity.wrong_password': { 'zh-CN': '当前密码不正确', 'en-US': 'The current password is wrong' },
  'identity.email_or_mobile_required': {
    'zh-CN': '请填写邮箱或手机号',
    'en-US': 'Enter an email address or a mobile number',
  },
  'identity.same_password': {
    'zh-CN': '新密码不能与当前密码相同',
    'en-US': 'The new password must differ from the current one',
  },
  wrong_account_kind: {
    'zh-CN': '当前账号类型不能执行此操作（需要：{kinds}）',
    'en-US': 'This account cannot do this (needs: {kinds})',
  },
});

export const mobileSchema = z
  .string()
  .trim()
  .transform((v) => v.replace(/[\s-]/g, '').replace(/^(\+?86)/, ''))
  .pipe(z.string().regex(/^1[3-9]\d{9}$/, 'format.mobile'));
export const emailSchema = z.string().trim().toLowerCase().pipe(z.email().max(254));
export const passwordSchema = z.string().min(8, 'format.password').max(128, 'format.password');

export const accountView = z.object({
  id: z.string(),
  kind: z.enum(['shopper', 'merchant', 'provider', 'operator']),
  email: z.string().nullable(),
  mobile: z.string().nullable(),
  displayName: z.string(),
  locale: z.string(),
  createdAt: z.iso.datetime(),
});
export type AccountView = z.infer<typeof accountView>;

type AccountRow = typeof accounts.$inferSelect;
export function toAccountView(a: AccountRow): AccountView {
  return {
    id: a.id,
    kind: a.kind,
    email: a.email,
    mobile: a.mobile,
    displayName: a.displayName,
    locale: a.locale,
    createdAt: a.createdAt.toISOString(),
  };
}

// argon2id (Algorithm.Argon2id is a const enum, so its value is written out) with OWASP's parameters.
const ARGON2ID: Options = { algorithm: 2 as Options['algorithm'], memoryCost: 19_456, timeCost: 2, parallelism: 1 };
const hashPassword = (password: string) => argon2Hash(password, ARGON2ID);
const verifyPassword = (hash: string, password: string) => argon2Verify(hash, password).catch(() => false);

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Email or mobile as stored, from whatever a person typed. */
export function normalizeIdentifier(identifier: string): { email?: string; mobile?: string } {
  const trimmed = identifier.trim();
  if (trimmed.includes('@')) {
    const email = emailSchema.safeParse(trimmed);
    return email.success ? { email: email.data } : {};
  }
  const mobile = mobileSchema.safeParse(trimmed);
  return mobile.success ? { mobile: mobile.data } : {};
}

export interface RegisterInput {
  kind: Exclude<AccountKind, 'operator'> | 'operator';
  email?: string;
  mobile?: string;
  password: string;
  displayName: string;
  locale?: string;
}

export async function register(db: Db, input: RegisterInput): Promise<AccountView> {
  if (!input.email && !input.mobile) {
    throw badRequest('validation_failed', [
      { field: 'body.email', code: 'required', message: 'identity.email_or_mobile_required' },
    ]);
  }
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const taken = await tx
      .select({ email: accounts.email, mobile: accounts.mobile })
      .from(accounts)
      .where(
        or(
          input.email ? eq(accounts.email, input.email) : sql`false`,
          input.mobile ? eq(accounts.mobile, input.mobile) : sql`false`,
        ),
      );
    if (taken.length > 0) {
      const what = input.email && taken.some((t) => t.email === input.email) ? 'email' : 'mobile';
      throw new AppError(409, 'identity.already_registered', {}, [
        { field: `body.${what}`, code: 'taken', message: `identity.${what}_taken` },
      ]);
    }
    const [row] = await tx
      .insert(accounts)
      .values({
        id: newId('acc'),
        kind: input.kind,
        email: input.email ?? null,
        mobile: input.mobile ?? null,
        passwordHash,
        displayName: input.displayName,
        locale: input.locale ?? 'zh-CN',
      })
      .onConflictDoNothing()
      .returning();
    // A concurrent registration of the same email or mobile lost the race to the unique index.
    if (!row) throw new AppError(409, 'identity.already_registered');
    await emit(tx, 'identity.account_registered', { accountId: row.id, kind: row.kind });
    return toAccountView(row);
  });
}

export async function createSession(db: Executor, accountId: string, userAgent?: string) {
  const token = newToken();
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 86_400_000);
  await db.insert(sessions).values({ id: newId('ses'), tokenHash: hashToken(token), accountId, userAgent, expiresAt });
  return { token, expiresAt };
}

// Verifying against a real hash when the account does not exist keeps the timing the same.
const dummyHash = hashPassword('not-a-real-password');

export async function login(
  db: Db,
  input: { identifier: string; password: string; ip: string; userAgent?: string },
): Promise<{ account: AccountView; token: string; expiresAt: Date }> {
  const key = normalizeIdentifier(input.identifier);
  const identifier = key.email ?? key.mobile ?? input.identifier.trim().toLowerCase();
  const since = sql`now() - make_interval(mins => ${THROTTLE_WINDOW_MIN})`;
  const [counts] = await db
    .select({
      byIdentifier: sql<number>`count(*) filter (where ${loginAttempts.identifier} = ${identifier})`.mapWith(Number),
      byIp: sql<number>`count(*) filter (where ${loginAttempts.ip} = ${input.ip})`.mapWith(Number),
    })
    .from(loginAttempts)
    .where(
      and(
        eq(loginAttempts.succeeded, false),
        gt(loginAttempts.at, since),
        or(eq(loginAttempts.identifier, identifier), eq(loginAttempts.ip, input.ip)),
      ),
    );
  if ((counts?.byIdentifier ?? 0) >= MAX_FAILURES_PER_IDENTIFIER || (counts?.byIp ?? 0) >= MAX_FAILURES_PER_IP) {
    throw new AppError(429, 'identity.login_throttled', { minutes: THROTTLE_WINDOW_MIN }, [], {
      'retry-after': String(THROTTLE_WINDOW_MIN * 60),
    });
  }
  const [account] =
    key.email || key.mobile
      ? await db
          .select()
          .from(accounts)
          .where(key.email ? eq(accounts.email, key.email) : eq(accounts.mobile, key.mobile!))
      : [];
  const ok = account
    ? !account.disabled && (await verifyPassword(account.passwordHash, input.password))
    : await verifyPassword(await dummyHash, input.password).then(() => false);
  await db.insert(loginAttempts).values({ id: newId('lga'), identifier, ip: input.ip, succeeded: ok });
  if (!ok || !account) throw new AppError(401, 'identity.bad_credentials');
  const session = await createSession(db, account.id, input.userAgent);
  return { account: toAccountView(account), ...session };
}

export async function logout(db: Db, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** The principal behind a session token, or null when it is unknown, expired or disabled. */
export async function authenticateToken(db: Db, token: string): Promise<Principal | null> {
  const [row] = await db
    .select({ sessionId: sessions.id, accountId: accounts.id, kind: accounts.kind, lastSeenAt: sessions.lastSeenAt })
    .from(sessions)
    .innerJoin(accounts, eq(accounts.id, sessions.accountId))
    .where(
      and(eq(sessions.tokenHash, hashToken(token)), gt(sessions.expiresAt, sql`now()`), eq(accounts.disabled, false)),
    );
  if (!row) return null;
  if (Date.now() - row.lastSeenAt.getTime() > 3_600_000) {
    await db
      .update(sessions)
      .set({ lastSeenAt: sql`now()` })
      .where(eq(sessions.id, row.sessionId));
  }
  return { accountId: row.accountId, kind: row.kind, sessionId: row.sessionId };
}

export async function getAccount(db: Executor, accountId: string): Promise<AccountView> {
  const [row] = await db.select().from(accounts).where(eq(accounts.id, accountId));
  if (!row) throw notFound('account');
  return toAccountView(row);
}

export async function getAccounts(db: Executor, ids: string[]): Promise<Map<string, AccountView>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select().from(accounts).where(inArray(accounts.id, ids));
  return new Map(rows.map((r) => [r.id, toAccountView(r)]));
}

/** Changes the password and signs out every other session of the account. */
export async function changePassword(
  db: Db,
  principal: Principal,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const [account] = await db.select().from(accounts).where(eq(accounts.id, principal.accountId));
  if (!account) throw notFound('account');
  if (!(await verifyPassword(account.passwordHash, input.currentPassword))) {
    throw new AppError(400, 'identity.wrong_password', {}, [
      { field: 'body.currentPassword', code: 'wrong', message: 'identity.wrong_password' },
    ]);
  }
  if (input.currentPassword === input.newPassword) {
    throw new AppError(400, 'identity.same_password', {}, [
      { field: 'body.newPassword', code: 'same', message: 'identity.same_password' },
    ]);
  }
  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction(async (tx) => {
    await tx
      .update(accounts)
      .set({ passwordHash, updatedAt: sql`now()` })
      .where(eq(accounts.id, account.id));
    await tx.delete(sessions).where(and(eq(sessions.accountId, account.id), ne(sessions.id, principal.sessionId)));
    await emit(tx, 'identity.password_changed', { accountId: account.id });
  });
}

/** Recurring clean-up of expired sessions and old sign-in attempts. */
export async function purgeExpired(db: Db): Promise<void> {
  await db.delete(sessions).where(lt(sessions.expiresAt, sql`now()`));
  await db.delete(loginAttempts).where(lt(loginAttempts.at, sql`now() - interval '1 day'`));
}
