import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Target {
  url: string;
  headers?: Record<string, string>;
  /** `Cookie` headers to rotate through, one per request (several signed-in sessions). */
  cookies?: string[];
  /** Header sets to rotate through instead (a session cookie with its CSRF token, say). */
  sessions?: Record<string, string>[];
  method?: 'GET' | 'POST';
  /** JSON body sent with every request. */
  body?: unknown;
}

export interface LoadPlan {
  targets: Record<string, Target>;
  connections: number;
  /** Seconds of load per target, split into `rounds` slices that alternate between targets. */
  durationSec: number;
  rounds: number;
  /** Unrecorded load per target before the first round. */
  warmupSec: number;
}

export interface LoadFigures {
  /** Responses per second over the recorded slices. */
  rps: number;
  p50_ms: number;
  p99_ms: number;
  requests: number;
  /** Responses that were not 2xx, plus connection errors and timeouts. */
  failed: number;
  /** Status codes seen, for the error message when too many failed. */
  statuses: Record<string, number>;
}

const CHILD = fileURLToPath(new URL('./load-child.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

/**
 * Drives every target with autocannon from a separate process, so the load generator never
 * shares an event loop with the servers it measures. The targets take turns in short slices
 * (A B, B A, A B …), so a neighbour's burst on a shared machine hits them alike and the ratio
 * between them stays fair. Latency percentiles are exact, over every recorded response.
 * Throws when more than 1% of a target's requests failed: those figures would measure the
 * wrong thing.
 */
export async function measure(plan: LoadPlan): Promise<Record<string, LoadFigures>> {
  const child = spawn(process.execPath, ['--import', TSX, CHILD], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.end(JSON.stringify(plan));
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`load generator exited with ${code}`);
  const figures = JSON.parse(out) as Record<string, LoadFigures>;
  for (const [name, f] of Object.entries(figures)) {
    if (f.requests === 0 || f.failed > f.requests * 0.01) {
      throw new Error(
        `${name} (${plan.targets[name]!.url}): ${f.failed} of ${f.requests} requests failed; statuses ${JSON.stringify(f.statuses)}`,
      );
    }
  }
  return figures;
}
