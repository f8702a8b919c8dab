/**
 * SVG plots of an experiment, rendered headless with vega-lite → vega.
 * @module
 */
import { View, parse } from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import type { RunRecord } from './records.js';

/** One rendered plot. @internal */
export interface Plot {
  /** File name, e.g. `accuracy-vs-time.svg`. */
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
 * The three plots of the report: test accuracy vs training time, training loss
 * vs step, and (when measured) the inversion error of each low-rank strategy
 * vs the dense K-factor inverse over training.
 * @internal
 */
export async function renderPlots(
  records: readonly RunRecord[],
  targets: readonly number[],
): Promise<Plot[]> {
  const runLabel = (r: RunRecord): string => `${r.optimizer} (seed ${r.seed})`;
  const accuracy = records.flatMap((r) =>
    r.evaluations.map((e) => ({
      optimizer: r.optimizer,
      run: runLabel(r),
      seconds: e.seconds,
      accuracy: e.accuracy,
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
  const lowest = Math.min(
    ...accuracy.filter((a) => a.seconds > 0).map((a) => a.accuracy),
    ...targets,
  );
  plots.push({
    file: 'accuracy-vs-time.svg',
    title: 'Test accuracy vs training time',
    svg: await render({
      width: WIDTH,
      height: HEIGHT,
      layer: [
        {
          data: { values: accuracy.filter((a) => a.accuracy >= lowest - 0.02) },
          mark: { type: 'line', point: true },
          encoding: {
            x: {
              field: 'seconds',
              type: 'quantitative',
              title: 'training time (s), evaluations excluded',
            },
            y: {
              field: 'accuracy',
              type: 'quantitative',
              title: 'test accuracy',
              scale: { zero: false },
              axis: { format: '.1%' },
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
