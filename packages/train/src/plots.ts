/**
 * SVG plots of an experiment, rendered headless with vega-lite → vega.
 * @module
 */
import { View, parse } from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import type { RunRecord } from './records.js';
import type { Task } from './task.js';

/** One rendered plot. @internal */
export interface Plot {
  /** File name, e.g. `loss-vs-step.svg`. */
  readonly file: string;
  /** Title for the report. */
  readonly title: string;
  /** SVG document. */
  readonly svg: string;
}

const WIDTH = 560;
const HEIGHT = 320;

/**
 * Per optimizer and evaluation (the k-th of each run; runs evaluate at the same
 * steps), the mean training time and the mean, minimum and maximum metric over
 * the seeds that got that far.
 */
function acrossSeeds(records: readonly RunRecord[]) {
  const byOptimizer = new Map<string, RunRecord[]>();
  for (const r of records)
    byOptimizer.set(r.optimizer, [...(byOptimizer.get(r.optimizer) ?? []), r]);
  return [...byOptimizer].flatMap(([optimizer, runs]) => {
    const longest = Math.max(...runs.map((r) => r.evaluations.length));
    return Array.from({ length: longest }, (_, k) => {
      const points = runs.flatMap((r) => (k < r.evaluations.length ? [r.evaluations[k]!] : []));
      const values = points.map((p) => p.metric);
      return {
        optimizer,
        seconds: points.reduce((a, p) => a + p.seconds, 0) / points.length,
        metric: values.reduce((a, v) => a + v, 0) / values.length,
        low: Math.min(...values),
        high: Math.max(...values),
      };
    });
  });
}

async function render(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * The three plots of the report: the task's metric vs training time, training
 * loss vs step, and (when measured) the inversion error of each low-rank
 * strategy vs the dense K-factor inverse over training.
 * @internal
 */
export async function renderPlots(
  task: Task,
  records: readonly RunRecord[],
  targets: readonly number[],
): Promise<Plot[]> {
  const runLabel = (r: RunRecord): string => `${r.optimizer} (seed ${r.seed})`;
  const metric = acrossSeeds(records);
  const loss = records.flatMap((r) =>
    r.losses.map((l) => ({ optimizer: r.optimizer, run: runLabel(r), step: l.step, loss: l.loss })),
  );
  const errors = records.flatMap((r) =>
    r.inversionErrors.map((e) => ({
      optimizer: r.optimizer,
      run: runLabel(r),
      factor: e.factor,
      step: e.step,
      error: Math.max(e.error, 1e-16),
    })),
  );
  const plots: Plot[] = [];
  // Accuracy: the start of a run (far from every target) would squeeze the interesting
  // range, so the plot begins 2 points below the easiest target. Errors span orders of
  // magnitude (272 at a sparse start, 5 when trained): all of it, on a log scale.
  const trained = metric.filter((a) => a.seconds > 0).map((a) => a.low);
  const shown = task.higherIsBetter
    ? (v: number) => v >= Math.min(...trained, ...targets) - 0.02
    : () => true;
  plots.push({
    file: task.plotFile,
    title: `${task.heading} vs training time`,
    svg: await render({
      width: WIDTH,
      height: HEIGHT,
      layer: [
        {
          data: { values: metric.filter((a) => shown(a.low)) },
          mark: { type: 'line', point: true },
          encoding: {
            x: {
              field: 'seconds',
              type: 'quantitative',
              title: 'training time (s, mean over seeds), evaluations excluded',
            },
            y: {
              field: 'metric',
              type: 'quantitative',
              title: `${task.axisTitle}, mean and range over seeds`,
              scale: task.higherIsBetter ? { zero: false } : { type: 'log' },
              ...(task.higherIsBetter ? { axis: { format: '.1%' } } : {}),
            },
            color: { field: 'optimizer', type: 'nominal' },
          },
        },
        {
          // The range over seeds, under the mean's line (which carries the legend).
          data: { values: metric.filter((a) => shown(a.low)) },
          mark: { type: 'area', fillOpacity: 0.2 },
          encoding: {
            x: { field: 'seconds', type: 'quantitative' },
            y: { field: 'low', type: 'quantitative' },
            y2: { field: 'high' },
            color: { field: 'optimizer', type: 'nominal' },
          },
        },
        {
          data: { values: targets.map((t) => ({ target: t })) },
          mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' },
          encoding: { y: { field: 'target', type: 'quantitative' } },
        },
        {
          data: {
            values: targets.map((t) => ({ target: t, label: `target ${task.formatTarget(t)}` })),
          },
          mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: 'gray' },
          encoding: {
            y: { field: 'target', type: 'quantitative' },
            x: { value: 0 },
            text: { field: 'label' },
          },
        },
      ],
    }),
  });
  plots.push({
    file: 'loss-vs-step.svg',
    title: 'Training loss vs step',
    svg: await render({
      width: WIDTH,
      height: HEIGHT,
      data: { values: loss },
      mark: 'line',
      encoding: {
        x: { field: 'step', type: 'quantitative', title: 'step' },
        y: {
          field: 'loss',
          type: 'quantitative',
          title: 'training loss (window mean)',
          scale: { type: 'log' },
        },
        color: { field: 'optimizer', type: 'nominal' },
        detail: { field: 'run', type: 'nominal' },
      },
    }),
  });
  if (errors.length > 0) {
    plots.push({
      file: 'inversion-error.svg',
      title: 'Inversion error of each low-rank strategy vs the dense damped K-factor inverse',
      svg: await render({
        data: { values: errors },
        facet: { field: 'optimizer', type: 'nominal', title: null },
        columns: 3,
        spec: {
          width: 260,
          height: 200,
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'step', type: 'quantitative' },
            y: {
              field: 'error',
              type: 'quantitative',
              title: 'relative spectral error',
              scale: { type: 'log' },
            },
            color: { field: 'factor', type: 'nominal' },
            detail: { field: 'run', type: 'nominal' },
          },
        },
      }),
    });
  }
  return plots;
}
