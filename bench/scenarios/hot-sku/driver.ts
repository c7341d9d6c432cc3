// The hot-sku load generator's own process: reads a plan as JSON on stdin, sends exactly
// `amount` POSTs with autocannon over `connections` connections, each request as the next
// shopper (session headers and body rotate), and prints the tally as JSON on stdout.
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

export interface DriverPlan {
  url: string;
  amount: number;
  connections: number;
  /** One per shopper: the headers (session cookie, CSRF token) and the JSON body it sends. */
  shoppers: { headers: Record<string, string>; body: unknown }[];
}
export interface DriverTally {
  seconds: number;
  requests: number;
  statuses: Record<string, number>;
  errors: number;
  p50_ms: number;
  p99_ms: number;
}

let input = '';
for await (const chunk of process.stdin) input += String(chunk);
const plan = JSON.parse(input) as DriverPlan;
const shoppers = plan.shoppers.map((s) => ({ headers: s.headers, body: JSON.stringify(s.body) }));
let next = 0;
const statuses: Record<string, number> = {};
const latencies: number[] = [];
const started = performance.now();
const result = await new Promise<autocannon.Result>((resolve, reject) => {
  const instance = autocannon(
    {
      url: plan.url,
      method: 'POST',
      connections: plan.connections,
      amount: plan.amount,
      timeout: 60,
      headers: { 'content-type': 'application/json' },
      requests: [
        {
          setupRequest: (req) => {
            const s = shoppers[next++ % shoppers.length]!;
            req.headers = { ...req.headers, ...s.headers };
            req.body = s.body;
            return req;
          },
        },
      ],
    },
    (err, res) => (err ? reject(err) : resolve(res)),
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    latencies.push(responseTime);
  });
});
const sorted = Float64Array.from(latencies).sort();
const pct = (p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0;
const tally: DriverTally = {
  seconds: (performance.now() - started) / 1000,
  requests: latencies.length,
  statuses,
  errors: result.errors + result.timeouts,
  p50_ms: Math.round(pct(50) * 100) / 100,
  p99_ms: Math.round(pct(99) * 100) / 100,
};
process.stdout.write(JSON.stringify(tally), () => process.exit(0));
