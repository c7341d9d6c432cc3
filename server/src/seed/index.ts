import { eq } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import sharp from 'sharp';
import { subscribersOf } from '../app.js';
import { startEventBus } from '../kernel/events/dispatcher.js';
import { media } from '../modules/media/index.js';
import { seedCommerce } from './commerce.js';
import { seedLocations } from './locations.js';
import { seedStores } from './stores.js';
import { seedCustomers } from './customers.js';
import { seedQimen } from './qimen.js';
import { seedStrategy } from './strategy.js';
import type { Config } from '../kernel/config.js';
import type { Db } from '../kernel/db/pool.js';
import type { AccountKind, Principal } from '../kernel/http/auth.js';
import { identity } from '../modules/identity/index.js';
import { accounts } from '../modules/identity/schema.js';
import { shops, type Role } from '../modules/shops/index.js';
import { shopMembers, shops as shopsTable } from '../modules/shops/schema.js';

export const DEMO_PASSWORD = 'Qiandian#2026';

interface DemoAccount {
  kind: AccountKind;
  email?: string;
  mobile?: string;
  displayName: string;
}

async function ensureAccount(db: Db, a: DemoAccount): Promise<Principal> {
  const [existing] = await db
    .select({ id: accounts.id, kind: accounts.kind })
    .from(accounts)
    .where(a.email ? eq(accounts.email, a.email) : eq(accounts.mobile, a.mobile!));
  const account = existing ?? (await identity.register(db, { ...a, password: DEMO_PASSWORD }));
  return { accountId: account.id, kind: account.kind, sessionId: 'seed' };
}

const TEA_LOGO =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAIklEQVR4nGNkYPjPQApgIkn1qIZRDaMaRjWMahjVMHQ0AAA8sAEf1+Qd2wAAAABJRU5ErkJggg==';

async function ensureShop(
  db: Db,
  config: Config,
  owner: Principal,
  operator: Principal,
  input: shops.ApplyInput,
  staff: [Principal, Role][],
  approve: boolean,
): Promise<string> {
  const [existing] = await db.select({ id: shopsTable.id }).from(shopsTable).where(eq(shopsTable.name, input.name));
  const shopId = existing?.id ?? (await shops.apply(db, config.DATA_DIR, owner, input)).id;
  if (!existing && approve) await shops.review(db, operator, shopId, { approve: true });
  for (const [member, role] of staff) {
    await db
      .insert(shopMembers)
      .values({ shopId, accountId: member.accountId, role, invitedBy: owner.accountId })
      .onConflictDoNothing();
  }
  return shopId;
}

/**
 * Demo data for trying Qiandian: safe to run again, it only adds what is missing. Runs on a
 * composed app (module set-up done), and delivers the events it causes before it returns.
 */
export async function seedDemo(db: Db, config: Config, log: FastifyBaseLogger): Promise<string> {
  const operator = await ensureAccount(db, {
    kind: 'operator',
    email: 'admin@qiandian.dev',
    displayName: '平台运营 Admin',
  });
  const m = (email: string, displayName: string) => ensureAccount(db, { kind: 'merchant', email, displayName });
  const teaOwner = await m('tea.owner@qiandian.dev', '林茶主');
  const teaOps = await m('tea.ops@qiandian.dev', '周运营');
  const teaCs = await m('tea.cs@qiandian.dev', '小美客服');
  const teaWarehouse = await m('tea.warehouse@qiandian.dev', '老陈仓管');
  const fashionOwner = await m('fashion.owner@qiandian.dev', '苏织');
  const fashionStore = await m('fashion.store@qiandian.dev', '王店长');
  const fashionGuide = await m('fashion.guide@qiandian.dev', '阿杰导购');
  const applicant = await m('new.merchant@qiandian.dev', '何青禾');
  await ensureAccount(db, { kind: 'shopper', email: 'shopper1@qiandian.dev', displayName: '爱喝茶的小王' });
  await ensureAccount(db, { kind: 'shopper', email: 'shopper2@qiandian.dev', displayName: 'Lily' });
  await ensureAccount(db, { kind: 'shopper', mobile: '13800000001', displayName: '手机用户0001' });

  const tea = await ensureShop(
    db,
    config,
    teaOwner,
    operator,
    {
      name: '山野茶舍',
      mainCategory: 'food',
      contactName: '林茶主',
      contactPhone: '0571-88880001',
      licenceNo: '91330106MA2B3C4D5E',
      logo: TEA_LOGO,
    },
    [
      [teaOps, 'operations'],
      [teaCs, 'customer_service'],
      [teaWarehouse, 'warehouse'],
    ],
    true,
  );
  const fashion = await ensureShop(
    db,
    config,
    fashionOwner,
    operator,
    {
      name: '织物集',
      mainCategory: 'apparel',
      contactName: '苏织',
      contactPhone: '021-66660002',
      licenceNo: '91310115MA1K2L3M4N',
    },
    [
      [fashionStore, 'store_manager'],
      [fashionGuide, 'shopping_guide'],
      [teaOps, 'operations'],
    ],
    true,
  );
  await ensureShop(
    db,
    config,
    applicant,
    operator,
    {
      name: '青禾文具',
      mainCategory: 'books',
      contactName: '何青禾',
      contactPhone: '13900000002',
      licenceNo: '91440300MA5F6G7H8J',
    },
    [],
    false,
  );
  const storage = media.storageFor(config.DATA_DIR);
  const storeImage = async (shopId: string, svg: string) =>
    (await media.storeImage(storage, shopId, await sharp(Buffer.from(svg)).png().toBuffer())).url;
  const bus = await startEventBus({
    db,
    subscribers: subscribersOf({ db, config, log }),
    log,
    workerId: 'seed',
    background: false,
  });
  try {
    const settle = async () => {
      while ((await bus.drain()) > 0);
    };
    await seedCommerce(
      db,
      config,
      { tea: { id: tea, ownerId: teaOwner.accountId }, fashion: { id: fashion, ownerId: fashionOwner.accountId } },
      { storeImage, settle },
    );
    await seedLocations(db, [tea, fashion]);
    await settle();
    await seedStores(db, fashion, { storeManager: fashionStore.accountId, guideAccount: fashionGuide.accountId }, [
      { storeCode: 'ST-HZ-XH', code: 'AJIE01', name: '阿杰', linked: true },
      { storeCode: 'ST-HZ-BJ', code: 'XIAOYU', name: '小雨' },
    ]);
    await seedStores(db, tea, {}, [
      { storeCode: 'ST-HZ-XH', code: 'CHA001', name: '茶艺师小林' },
      { storeCode: 'ST-SH-JA', code: 'CHA002', name: '茶艺师阿May' },
    ]);
    await seedQimen(db, tea);
    await settle();
    await seedCustomers(db, tea);
    await settle();
    await seedStrategy(db, config, { id: tea, ownerId: teaOwner.accountId }, { storeImage, settle });
  } finally {
    await bus.stop();
  }
  return `demo data ready: shops ${tea} (山野茶舍), ${fashion} (织物集), one application pending; password ${DEMO_PASSWORD}`;
}
