/**
 * What a benchmark is: a figure measured next to a baseline in the same run, so the ratio
 * means something on a shared, noisy machine where absolute numbers do not.
 */
export interface BenchResult {
  /** What we measured, in `unit`. */
  figure: number;
  /** The same work done by the baseline (raw client, outside tool), in `unit`. */
  baseline: number;
  /** e.g. `events/s`. */
  unit: string;
  /** Name of the baseline, e.g. `raw kafkajs`. */
  baselineName: string;
  /** Extra facts worth printing (sizes, counts). */
  detail?: string;
}

export interface Benchmark {
  name: string;
  /** The figure the issue asks for, e.g. `ratio ≥ 0.5`. */
  target: string;
  /** Lowest acceptable ratio figure/baseline, to mark the line; never asserted. */
  targetRatio?: number;
  /** `env` holds the LIENTHONG_TEST_* variables of the running infra. */
  run(env: Record<string, string>): Promise<BenchResult>;
}
