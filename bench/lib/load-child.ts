// The load generator's own process: reads a LoadPlan as JSON on stdin, runs it with autocannon,
// prints each target's figures as JSON on stdout. See load.ts.
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import type { LoadFigures, LoadPlan, Target } from './load.js';

let input = '';
for await (const chunk of process.stdin) input += String(chunk);
const plan = JSON.parse(input) as LoadPlan;

interface Tally {
  latencies: number[];
  ok: number;
  failed: number;
  seconds: number;
  statuses: Record<string, number>;
}

async function slice(target: Target, seconds: number, tally?: Tally): Promise<void> {
  const sessions = target.sessions ?? (target.cookies ?? []).map((cookie) => ({ cookie }));
  let next = 0;
  const started = performance.now();
  const body = target.body === undefined ? undefined : JSON.stringify(target.body);
  const options: autocannon.Options = {
    url: target.url,
    connections: plan.connections,
    duration: seconds,
    method: target.method ?? 'GET',
    headers: { ...(target.headers ?? {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body } : {}),
    requests: [
      sessions.length
        ? {
            setupRequest: (req) => {
              req.headers = { ...req.headers, ...sessions[next++ % sessions.length]! };
              return req;
            },
          }
        : {},
    ],
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (err, res) => (err ? reject(err) : resolve(res)));
    if (!tally) return;
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      tally.latencies.push(responseTime);
      tally.statuses[statusCode] = (tally.statuses[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) tally.ok++;
      else tally.failed++;
    });
  });
  if (tally) {
    tally.seconds += (performance.now() - started) / 1000;
    tally.failed += result.errors;
  }
}

const percentile = (sorted: Float64Array, p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0;
const round2 = (n: number) => Math.round(n * 100) / 100;

const names = Object.keys(plan.targets);
const tallies = Object.fromEntries(
  names.map((n) => [n, { latencies: [], ok: 0, failed: 0, seconds: 0, statuses: {} } as Tally]),
);
for (const name of names) if (plan.warmupSec > 0) await slice(plan.targets[name]!, plan.warmupSec);
const sliceSec = Math.max(1, Math.round(plan.durationSec / plan.rounds));
for (let round = 0; round < plan.rounds; round++) {
  const order = round % 2 === 0 ? names : [...names].reverse();
  for (const name of order) await slice(plan.targets[name]!, sliceSec, tallies[name]);
}

const figures: Record<string, LoadFigures> = {};
for (const [name, t] of Object.entries(tallies)) {
  const sorted = Float64Array.from(t.latencies).sort();
  figures[name] = {
    rps: Math.round(t.ok / t.seconds),
    p50_ms: round2(percentile(sorted, 50)),
    p99_ms: round2(percentile(sorted, 99)),
    requests: t.ok + t.failed,
    failed: t.failed,
    statuses: t.statuses,
  };
}
process.stdout.write(JSON.stringify(figures), () => process.exit(0));
