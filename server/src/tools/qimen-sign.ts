/**
 * Prints a signed Qimen router URL for a body, to try the gateway with curl:
 *
 *   npm run -s qimen-sign -w server -- --method inventory.query --body-file "$PWD/query.xml"
 *   curl -s -H 'content-type: text/xml;charset=utf-8' --data-binary @query.xml "$URL"
 *
 * Defaults: the demo WMS partner (app key and customerId `demo-wms`, secret `demo-wms-secret`,
 * md5) and http://127.0.0.1:3000. Options: --app-key --secret --customer-id --sign-method
 * (md5|hmac|hmac-sha256) --format (xml|json) --gateway.
 */
import fs from 'node:fs';
import { buildRequest, type SignMethod, urlWithQuery } from '../modules/qimen/protocol.js';

const a: Record<string, string> = {};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i]!;
  if (arg.startsWith('--')) {
    const [k, v] = arg.slice(2).split('=', 2) as [string, string | undefined];
    a[k] = v ?? argv[++i] ?? '';
  }
}
if (!a.method || !a['body-file']) {
  console.error(
    'usage: qimen-sign --method inventory.query --body-file /abs/path/body.xml [--app-key demo-wms] [--secret …]',
  );
  process.exit(2);
}
const format = a.format === 'json' ? 'json' : 'xml';
const req = buildRequest({
  method: a.method,
  appKey: a['app-key'] ?? 'demo-wms',
  customerId: a['customer-id'] ?? 'demo-wms',
  secret: a.secret ?? 'demo-wms-secret',
  sign: { method: (a['sign-method'] as SignMethod | undefined) ?? 'md5' },
  // Signed exactly as the file's bytes are sent by `curl --data-binary @file`.
  doc: fs.readFileSync(a['body-file'], 'utf8'),
  format,
});
console.log(urlWithQuery(new URL('/router/qimen/service', a.gateway ?? 'http://127.0.0.1:3000').toString(), req.query));
