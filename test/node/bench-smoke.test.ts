/**
 * Proves `npm run bench` itself starts and finishes: bench/run.mjs in quick mode (~1 s runs, two
 * scenarios, fan-out to 1 workflow) writing to a temp file, so bench/results.json and
 * BENCHMARKS.md are never touched. Timings are not asserted: they are noise at this size.
 * Uses its own ports (8891–8896, inspectors 9391–9396) so a concurrent `npm run bench` or
 * `npm run dev` is not disturbed.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'hasp-bench-smoke-'));
const out = path.join(dir, 'results.json');

interface RunSummary {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  responses: number;
  cpu_ms_per_response: Record<string, number>;
}

interface BenchResults {
  quick: boolean;
  load: {
    scenario: string;
    connections: number;
    service: RunSummary;
    service_counted: RunSummary | null;
    baseline: RunSummary;
    baseline_consumer: RunSummary | null;
    ratio_rps: number | null;
    ratio_slices: { n: number; ci95: [number, number] };
    runs: { service: unknown[]; baseline: unknown[] };
  }[];
  fixed_rate: { scenario: string; rate: number; service: RunSummary; baseline: RunSummary; ingress_only: RunSummary | null }[];
  d1_hot_path: { total: { responses: number; statements: number; missingHeader: number } };
  fan_out: { size: number; runs_listed: number; send_batch_calls: number | null; d1_round_trips: number | null; runs_recorded_by_runtime: number }[];
  memory: { rounds: { workerd: { rss_mib: number }[] }[] };
  project_log: { runs: { batches: number; events: number; ms: number; events_per_s: number | null }[]; events_per_s_median: number | null };
  consumer: { d1_statements_per_batch: number | null };
}

function runQuickBench(): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bench/run.mjs'],
      {
        cwd: ROOT,
        timeout: 240_000,
        maxBuffer: 16 << 20,
        env: {
          ...process.env,
          BENCH_QUICK: '1',
          BENCH_OUT: out,
          BENCH_SCENARIOS: 'accept-1k,reject-401',
          BENCH_FANOUT: '1',
          BENCH_PORT_SERVICE: '8891',
          BENCH_PORT_BASELINE: '8892',
          BENCH_PORT_BARE: '8893',
          BENCH_PORT_INGRESS_ONLY: '8894',
          BENCH_PORT_BASELINE_CONSUMER: '8895',
          BENCH_PORT_SERVICE_COUNTED: '8896',
          BENCH_PORT_BASELINE_DETACHED: '8897',
          BENCH_INSPECTOR_PORT: '9391',
        },
      },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output: `${stdout}\n${stderr}` }),
    );
  });
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run bench (quick mode)', () => {
  it('Should start the servers, drive every target, and write a results file of the expected shape', async () => {
    const { code, output } = await runQuickBench();
    expect(code, output.slice(-3000)).toBe(0);
    const results = JSON.parse(readFileSync(out, 'utf8')) as BenchResults;
    expect(results.quick).toBe(true);
    expect(results.load.map((e) => e.scenario)).toEqual(['accept-1k', 'reject-401']);
    for (const entry of results.load) {
      expect(entry.service.responses).toBeGreaterThan(0);
      expect(entry.baseline.responses).toBeGreaterThan(0);
      expect(entry.service.errors).toBe(0);
      // The D1 counts come from the instrumented copy's own runs, one per scenario and concurrency.
      expect(entry.service_counted?.responses).toBeGreaterThan(0);
      expect(entry.ratio_rps).toBeGreaterThan(0);
      // Quick mode alternates two slices per target; the ratio's interval comes from them.
      expect(entry.runs.service).toHaveLength(2);
      expect(entry.runs.baseline).toHaveLength(2);
      expect(entry.ratio_slices.n).toBe(2);
      expect(entry.ratio_slices.ci95[0]).toBeLessThanOrEqual(entry.ratio_slices.ci95[1]);
    }
    const accept = results.load.find((e) => e.scenario === 'accept-1k');
    expect(accept?.baseline_consumer?.responses).toBeGreaterThan(0);
    expect(accept?.baseline_consumer?.errors).toBe(0);
    // The Worker's CPU is read apart from the proxy's, which the report uses as the yardstick.
    for (const target of [accept?.service, accept?.baseline, accept?.baseline_consumer]) {
      expect(Object.keys(target?.cpu_ms_per_response ?? {})).toEqual(expect.arrayContaining(['workerd worker', 'workerd proxy', 'node']));
    }
    // Latency at a fixed rate: both scenarios, each target driven.
    expect(results.fixed_rate.map((e) => e.scenario)).toEqual(['accept-1k', 'reject-401']);
    for (const entry of results.fixed_rate) {
      expect(entry.service.responses).toBeGreaterThan(0);
      expect(entry.baseline.responses).toBeGreaterThan(0);
      expect(entry.service.errors).toBe(0);
    }
    expect(results.fixed_rate[0]?.ingress_only?.responses).toBeGreaterThan(0);
    expect(results.d1_hot_path.total.responses).toBeGreaterThan(0);
    // Every response of the counted copy (bench/service/counted.ts) says what D1 work it did.
    expect(results.d1_hot_path.total.missingHeader).toBe(0);
    expect(results.fan_out).toHaveLength(1);
    // The counted consumer's metric line and the counted stand-in's (runs recorded). One D1 round
    // trip: the catalogue read; the project's data key is cached since the unmeasured first event,
    // and events and runs are written to the project's log, not D1.
    expect(results.fan_out[0]).toMatchObject({ size: 1, runs_listed: 1, send_batch_calls: 1, d1_round_trips: 1, runs_recorded_by_runtime: 1 });
    // One project's log, fed as the consumer feeds it (bench/service/log-probe.ts).
    expect(results.project_log.runs).toHaveLength(1);
    expect(results.project_log.runs[0]).toMatchObject({ batches: 2, events: 200 });
    expect(results.project_log.events_per_s_median).toBeGreaterThan(0);
    expect(results.consumer.d1_statements_per_batch).toBeGreaterThan(0);
    expect(results.memory.rounds[0]?.workerd.length).toBeGreaterThan(0);
  }, 270_000);
});
