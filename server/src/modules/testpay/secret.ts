import fs from 'node:fs/promises';
import path from 'node:path';
import { newToken } from '../../kernel/ids.js';

const cache = new Map<string, Promise<string>>();

/** TestPay's signing secret, shared with the merchant side: TESTPAY_SECRET or one kept in DATA_DIR. */
export function testpaySecret(dataDir: string): Promise<string> {
  if (process.env.TESTPAY_SECRET) return Promise.resolve(process.env.TESTPAY_SECRET);
  let secret = cache.get(dataDir);
  if (!secret) {
    secret = (async () => {
      const file = path.join(dataDir, 'testpay-secret');
      const existing = (await fs.readFile(file, 'utf8').catch(() => '')).trim();
      if (existing) return existing;
      await fs.mkdir(dataDir, { recursive: true });
      const fresh = newToken(32);
      await fs.writeFile(file, fresh, { mode: 0o600, flag: 'wx' }).catch(() => {});
      return (await fs.readFile(file, 'utf8')).trim();
    })();
    cache.set(dataDir, secret);
  }
  return secret;
}
