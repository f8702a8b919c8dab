/**
 * What a `bkfac train` experiment learns and how it is judged: MNIST
 * classification (test accuracy, higher is better) or the deep autoencoder
 * (training reconstruction error, lower is better). One record per task; the
 * loop, progress, summary, plots and report read it instead of testing names.
 * @module
 */
import { MNIST_NORMALIZATION, autoencoder, evaluate, evaluateReconstruction, mlp } from '@bkfac/nn';
import type { Dataset, LossKind, Normalization, Params, Sequential } from '@bkfac/nn';

/** @internal */
export type TaskName = 'classification' | 'autoencoder';

/** One evaluation of a task: the loss reported next to the metric, and the metric. @internal */
export interface TaskEvaluation {
  readonly loss: number;
  readonly metric: number;
}

/** @internal */
export interface Task {
  readonly name: TaskName;
  /** The network for the given layer widths (input width first). */
  model(features: number, classes: number, hidden: readonly number[]): Sequential;
  /** Training loss. */
  readonly loss: LossKind;
  /** What the metric is, e.g. `test accuracy`. */
  readonly metric: string;
  /** The same at the start of a sentence or title, e.g. `Test accuracy`. */
  readonly heading: string;
  /** A short name of the metric for a plot axis. */
  readonly axisTitle: string;
  /** A one-word label of the metric for progress lines, e.g. `test`. */
  readonly label: string;
  /** File of the report's plot of the metric against training time. */
  readonly plotFile: string;
  /** Which split the metric is measured on. */
  readonly evaluatedOn: 'train' | 'test';
  /** How pixels become inputs. */
  readonly normalization: Normalization;
  /** `true` when larger metric values are better. */
  readonly higherIsBetter: boolean;
  /** The metric as text, e.g. `97.50%` or `7.86`. */
  format(value: number): string;
  /** A target as text, e.g. `98.0%` or `5.8`. */
  formatTarget(value: number): string;
  /** Header of the result table's final-metric column, and the factor its cells show the metric in. */
  readonly column: { readonly header: string; readonly scale: number };
  /** The report's name of the network, e.g. `MNIST MLP`. */
  readonly title: string;
  /** The report's description of the model and loss. */
  readonly modelNote: string;
  /** The report's description of the data, for `train` training and `evaluation` metric examples. */
  dataNote(train: string, evaluation: number | null): string;
  /** Metric and loss of `params` on `data`. */
  evaluate(model: Sequential, params: Params, data: Dataset): TaskEvaluation;
}

const classification: Task = {
  name: 'classification',
  model: (features, classes, hidden) => mlp({ sizes: [features, ...hidden, classes] }),
  loss: 'cross-entropy',
  metric: 'test accuracy',
  heading: 'Test accuracy',
  label: 'test',
  axisTitle: 'test accuracy',
  plotFile: 'accuracy-vs-time.svg',
  evaluatedOn: 'test',
  normalization: MNIST_NORMALIZATION,
  higherIsBetter: true,
  format: (v) => `${(100 * v).toFixed(2)}%`,
  formatTarget: (v) => `${(100 * v).toFixed(1)}%`,
  column: { header: 'final acc %', scale: 100 },
  title: 'MNIST MLP',
  modelNote: "ReLU, PyTorch's default initialisation; softmax cross-entropy",
  dataNote: (train, test) =>
    `${train}, evaluated on ${test === null ? 'all 10,000 test digits' : `the first ${test} test digits`}; pixels scaled to [0, 1] and standardised with mean 0.1307, std 0.3081`,
  evaluate(model, params, data) {
    const r = evaluate(model, params, data);
    return { loss: r.loss, metric: r.accuracy };
  },
};

const reconstruction: Task = {
  name: 'autoencoder',
  // The encoder widths; the decoder mirrors them.
  model: (features, _classes, hidden) => autoencoder({ sizes: [features, ...hidden] }),
  loss: 'bernoulli',
  metric: 'training reconstruction error (squared error per image)',
  heading: 'Training reconstruction error (squared error per image)',
  label: 'error',
  axisTitle: 'training error per image',
  plotFile: 'error-vs-time.svg',
  evaluatedOn: 'train',
  // Intensities in [0, 1]: the Bernoulli targets.
  normalization: { mean: 0, std: 1 },
  higherIsBetter: false,
  format: (v) => v.toFixed(2),
  formatTarget: (v) => String(v),
  column: { header: 'final error', scale: 1 },
  title: 'MNIST deep autoencoder',
  modelNote:
    'logistic units except the linear code layer, sparse initialisation (15 nonzero N(0, 1) weights per unit, zero biases); Bernoulli cross-entropy of the logits against the pixel intensities',
  dataNote: (train, examples) =>
    `${train}; the reconstruction error is measured on the first ${examples?.toLocaleString('en-US')} of them; pixel intensities in [0, 1] (the Bernoulli targets)`,
  evaluate(model, params, data) {
    const r = evaluateReconstruction(model, params, data);
    return { loss: r.loss, metric: r.error };
  },
};

/** @internal */
export const TASKS: Readonly<Record<TaskName, Task>> = {
  classification,
  autoencoder: reconstruction,
};

/** Whether `value` meets `target` for `task`. @internal */
export function reaches(task: Task, value: number, target: number): boolean {
  return task.higherIsBetter ? value >= target : value <= target;
}

/** Targets from the easiest to the hardest (a run stops at the hardest). @internal */
export function byDifficulty(task: Task, targets: readonly number[]): number[] {
  return [...targets].sort((a, b) => (task.higherIsBetter ? a - b : b - a));
}
