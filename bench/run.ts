/**
 * Benchmark harness.
 *
 *   npm run bench -- <name>   runs scenarios/<name>.ts; its LAST line of output is one JSON
 *                             object with the scenario's figures (and `ratio` where it compares)
 *   npm run bench             runs every scenario, each in its own process, then writes
 *                             results/RESULTS.md (a markdown table) and prints it
 *
 * A scenario is a file scenarios/<name>.ts exporting `run(): Promise<Record<string, number | string>>`
 * and, optionally, `description` (one line: what it measures against what).
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type Figures = Record<string, number | string>;

interface Scenario {
  run(): Promise<Figures>;
  description?: string;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SCENARIOS = path.join(HERE, 'scenarios');
const RESULTS = path.join(HERE, 'results', 'RESULTS.md');

async function scenarioNames(): Promise<string[]> {
  const files = await fs.readdir(SCENARIOS);
  return files
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function load(name: string): Promise<Scenario> {
  return (await import(pathToFileURL(path.join(SCENARIOS, `${name}.ts`)).href)) as Scenario;
}

/** Writes `line` (if any) as the last output, then exits once stdout has flushed. */
function exit(code: number, line?: string): Promise<never> {
  return new Promise(() => {
    if (line === undefined) process.exit(code);
    process.stdout.write(`${line}\n`, () => process.exit(code));
  });
}

/** One scenario in this process; the JSON line is the last thing written to stdout. */
async function runOne(name: string): Promise<never> {
  const names = await scenarioNames();
  if (!names.includes(name)) {
    console.error(`No scenario "${name}". Available: ${names.join(', ')}`);
    return exit(2);
  }
  const scenario = await load(name);
  try {
    const figures = await scenario.run();
    return exit(0, JSON.stringify({ scenario: name, ...figures }));
  } catch (e) {
    console.error(e);
    return exit(1, JSON.stringify({ scenario: name, error: e instanceof Error ? e.message : String(e) }));
  }
}

interface Outcome {
  name: string;
  description: string;
  seconds: number;
  figures?: Figures;
  error?: string;
}

/** Runs `name` in a child process (its own database, ports and heap) and reads its last line. */
async function runChild(name: string): Promise<Outcome> {
  const started = Date.now();
  const description = (await load(name)).description ?? '';
  const child = spawn(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), fileURLToPath(import.meta.url), name],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    process.stdout.write(chunk);
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  const last = out.trimEnd().split('\n').pop() ?? '';
  let parsed: Figures | undefined;
  try {
    parsed = JSON.parse(last) as Figures;
  } catch {
    return { name, description, seconds, error: `exited with ${code} without a result line` };
  }
  const { scenario: _scenario, error, ...figures } = parsed;
  if (code !== 0 || error !== undefined) return { name, description, seconds, error: String(error ?? `exit ${code}`) };
  return { name, description, seconds, figures };
}

function cell(v: unknown): string {
  return String(v).replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function formatValue(v: number | string): string {
  return typeof v === 'number' && !Number.isInteger(v) ? String(Math.round(v * 1000) / 1000) : String(v);
}

function machine(): string {
  const cpus = os.cpus();
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: HERE, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    /* not a git checkout */
  }
  return (
    `Node ${process.version} on ${os.platform()} ${os.arch()}, ${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}, ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB; commit ${commit}; ${new Date().toISOString()}`
  );
}

async function runAll(): Promise<never> {
  const outcomes: Outcome[] = [];
  for (const name of await scenarioNames()) {
    console.error(`\n== ${name} ==`);
    outcomes.push(await runChild(name));
  }
  const rows = outcomes.map((o) => {
    const ratio = o.figures?.ratio;
    const figures = o.figures
      ? Object.entries(o.figures)
          .filter(([k]) => k !== 'ratio')
          .map(([k, v]) => `${k} ${formatValue(v)}`)
          .join(' · ')
      : `**failed**: ${o.error}`;
    return `| ${cell(o.name)} | ${ratio === undefined ? '—' : cell(formatValue(ratio))} | ${cell(figures)} | ${cell(o.description)} | ${o.seconds} |`;
  });
  const md = [
    '# Benchmark results',
    '',
    machine(),
    '',
    'Each scenario measures a peer or limit in the same run; `ratio` compares against it. Latencies are in milliseconds.',
    '',
    '| scenario | ratio | figures | measures | seconds |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
  await fs.mkdir(path.dirname(RESULTS), { recursive: true });
  await fs.writeFile(RESULTS, md);
  const failed = outcomes.filter((o) => o.error !== undefined).length;
  console.error(`\nWritten to ${path.relative(process.cwd(), RESULTS)}\n`);
  return exit(failed ? 1 : 0, md.trimEnd());
}

const name = process.argv[2];
await (name ? runOne(name) : runAll());
