import { identity } from '../../server/src/modules/identity/index.js';
import { ApiClient } from './http.js';
import type { BenchPlatform } from './platform.js';

const PASSWORD = 'bench-password-2026';
let opened = 0;

/**
 * An open shop for a scenario, made the way a merchant makes one: the owner signs up and applies
 * over HTTP, and an operator approves (the operator comes from the identity service: nobody signs
 * up as one over HTTP). Returns the owner's signed-in client.
 */
export async function openShop(p: BenchPlatform, name: string): Promise<{ owner: ApiClient; shop: { id: string } }> {
  const tag = `${process.pid}.${Date.now()}.${++opened}`;
  const owner = new ApiClient(p.base);
  await owner.post('/api/auth/register', {
    kind: 'merchant',
    email: `owner.${tag}@bench.qiandian.dev`,
    password: PASSWORD,
    displayName: 'Bench Owner',
  });
  const { shop } = await owner.post<{ shop: { id: string } }>('/api/shop-applications', {
    name: `${name} ${tag}`.slice(0, 40),
    mainCategory: 'food',
    contactName: 'Bench',
    contactPhone: '13900000000',
    licenceNo: `9133${String(Date.now()).slice(-10)}${String(opened).padStart(4, '0')}`,
  });
  await identity.register(p.db, {
    kind: 'operator',
    email: `op.${tag}@bench.qiandian.dev`,
    password: PASSWORD,
    displayName: 'Bench Operator',
  });
  const operator = new ApiClient(p.base);
  await operator.post('/api/auth/login', { identifier: `op.${tag}@bench.qiandian.dev`, password: PASSWORD });
  await operator.post(`/api/admin/shop-applications/${shop.id}/approve`);
  return { owner, shop };
}
