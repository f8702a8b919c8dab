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
  const metric = records.flatMap((r) =>
    r.evaluations.map((e) => ({
      optimizer: r.optimizer,
      run: runLabel(r),
      seconds: e.seconds,
      metric: e.metric,
    })),
  );
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
  const trained = metric.filter((a) => a.seconds > 0).map((a) => a.metric);
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
          data: { values: metric.filter((a) => shown(a.metric)) },
          mark: { type: 'line', point: true },
          encoding: {
            x: {
              field: 'seconds',
              type: 'quantitative',
              title: 'training time (s), evaluations excluded',
            },
            y: {
              field: 'metric',
              type: 'quantitative',
              title: task.metric,
              scale: task.higherIsBetter ? { zero: false } : { type: 'log' },
              ...(task.higherIsBetter ? { axis: { format: '.1%' } } : {}),
            },
            color: { field: 'optimizer', type: 'nominal' },
            detail: { field: 'run', type: 'nominal' },
          },
        },
        {
          data: { values: targets.map((t) => ({ target: t })) },
          mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' },
          encoding: { y: { field: 'target', type: 'quantitative' } },
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
