import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { InvalidArgumentError, ShapeError, createRng, fromRows } from '@bkfac/linalg';
import {
  backward,
  bernoulliCrossEntropy,
  constant,
  dropout,
  linear,
  reconstructionError,
  relu,
  sampleBernoulli,
  sigmoid,
  softmax,
  softmaxCrossEntropy,
  squaredErrorLoss,
  tanh,
  variable,
} from '@bkfac/nn';
import type { Tensor } from '@bkfac/nn';
import {
  arbSeed,
  awkwardView,
  matOf,
  mul,
  randomRows,
  rowsOf,
  transpose,
} from '../../../test-support/reference';
import { GRADIENT_TOLERANCE, gradientGap, numericGradient } from './gradcheck';

type Mat = ReturnType<typeof matOf>;

/** Scalar probe `L = ½·mean‖op(x) − T‖²` so every output entry influences the loss. */
function probe(out: Tensor, target: Mat): Tensor {
  return squaredErrorLoss(out, target);
}

/** Checks d probe(op(inputs)) / d input for each input against central differences. */
function checkOp(op: (inputs: Tensor[]) => Tensor, values: Mat[], targetSeed: number): void {
  const vars = values.map((v) => variable(v));
  const out = op(vars);
  const [m, n] = out.value.shape as [number, number];
  const target = matOf(randomRows(m, n, targetSeed));
  backward(probe(out, target));
  const f = (): number => probe(op(values.map((v) => constant(v))), target).value.get(0, 0);
  vars.forEach((v, k) => {
    expect(gradientGap(rowsOf(v.grad!), numericGradient(f, values[k]!))).toBeLessThan(
      GRADIENT_TOLERANCE,
    );
  });
}

const dims = fc.record({
  n: fc.integer({ min: 1, max: 6 }),
  din: fc.integer({ min: 1, max: 7 }),
  dout: fc.integer({ min: 1, max: 5 }),
  seed: arbSeed,
});

describe('linear', () => {
  it('computes [X, 1] W̃ᵀ (and X Wᵀ without bias), honouring strides', () => {
    const x = [
      [1, 2],
      [3, -1],
    ];
    const w = [
      [1, 0, 5],
      [2, -1, 0],
    ];
    const y = linear(constant(awkwardView(x)), constant(awkwardView(w)), { bias: true });
    expect(rowsOf(y.value)).toEqual([
      [6, 0],
      [8, 7],
    ]);
    const y2 = linear(
      constant(matOf(x)),
      constant(
        matOf([
          [1, 0],
          [2, -1],
        ]),
      ),
      { bias: false },
    );
    expect(rowsOf(y2.value)).toEqual(
      mul(
        x,
        transpose([
          [1, 0],
          [2, -1],
        ]),
      ),
    );
  });

  it('gradients w.r.t. input and weight match central differences (with and without bias)', () => {
    fc.assert(
      fc.property(dims, fc.boolean(), ({ n, din, dout, seed }, bias) => {
        const x = matOf(randomRows(n, din, seed));
        const w = matOf(randomRows(dout, din + (bias ? 1 : 0), seed + 1));
        checkOp(([a, b]) => linear(a!, b!, { bias }), [x, w], seed + 2);
      }),
      { numRuns: 40 },
    );
  });

  it('hooks observe X̃ on forward and E = ∂L/∂Y on every backward pass', () => {
    const inputs: Mat[] = [];
    const outputGrads: Mat[] = [];
    const hooks = {
      input: (m: Mat) => inputs.push(m),
      outputGrad: (m: Mat) => outputGrads.push(m),
    };
    const x = matOf([[1, 2]]);
    const y = linear(constant(x), variable(matOf([[1, 1, 0]])), { bias: true, hooks });
    expect(inputs.map(rowsOf)).toEqual([[[1, 2, 1]]]);
    expect(outputGrads).toHaveLength(0);
    backward(squaredErrorLoss(y, matOf([[1]])));
    backward(squaredErrorLoss(y, matOf([[0]])), { parameterGradients: false });
    expect(outputGrads.map(rowsOf)).toEqual([[[2]], [[3]]]); // (3 − 1)/1, then (3 − 0)/1
  });

  it('skips the weight gradient on request but still propagates to the input', () => {
    const x = variable(matOf([[1, 2]]));
    const w = variable(matOf([[1, 1, 0]]));
    backward(squaredErrorLoss(linear(x, w, { bias: true, weightGradient: false }), matOf([[0]])));
    expect(w.grad).toBeNull();
    expect(rowsOf(x.grad!)).toEqual([[3, 3]]);
  });

  it('throws ShapeError when the weight width does not match the input', () => {
    expect(() =>
      linear(constant(matOf([[1, 2]])), constant(matOf([[1, 2]])), { bias: true }),
    ).toThrow(ShapeError);
  });
});

describe('activations and dropout', () => {
  const arbInput = fc.record({
    n: fc.integer({ min: 1, max: 6 }),
    d: fc.integer({ min: 1, max: 7 }),
    seed: arbSeed,
  });

  it('relu and tanh values and gradients match central differences', () => {
    expect(rowsOf(relu(constant(matOf([[-2, 0, 3]]))).value)).toEqual([[0, 0, 3]]);
    expect(rowsOf(tanh(constant(matOf([[0.5]]))).value)[0]![0]).toBeCloseTo(Math.tanh(0.5), 15);
    fc.assert(
      fc.property(arbInput, ({ n, d, seed }) => {
        checkOp(([a]) => relu(a!), [matOf(randomRows(n, d, seed))], seed + 1);
        checkOp(([a]) => tanh(a!), [matOf(randomRows(n, d, seed))], seed + 1);
      }),
      { numRuns: 30 },
    );
  });

  it('sigmoid values and gradients match 1/(1 + e^−x) and central differences, and saturate without NaN', () => {
    expect(rowsOf(sigmoid(constant(matOf([[0, -800, 800]]))).value)).toEqual([[0.5, 0, 1]]);
    expect(rowsOf(sigmoid(constant(matOf([[2]]))).value)[0]![0]).toBeCloseTo(
      1 / (1 + Math.exp(-2)),
      15,
    );
    fc.assert(
      fc.property(arbInput, ({ n, d, seed }) => {
        checkOp(([a]) => sigmoid(a!), [matOf(randomRows(n, d, seed))], seed + 1);
      }),
      { numRuns: 30 },
    );
  });

  it('dropout keeps E[y] = x (entries 0 or x/(1−p)) and its gradient matches central differences for a fixed mask', () => {
    const y = dropout(constant(matOf([[1, 1, 1, 1, 1, 1, 1, 1]])), 0.75, createRng(3));
    expect(y.value.data.every((v) => v === 0 || v === 4)).toBe(true);
    const x = constant(matOf([[1, 2]]));
    expect(dropout(x, 0, createRng(1))).toBe(x);
    fc.assert(
      fc.property(arbInput, fc.double({ min: 0.1, max: 0.9, noNaN: true }), ({ n, d, seed }, p) => {
        // Re-seeding makes every evaluation draw the same mask.
        checkOp(
          ([a]) => dropout(a!, p, createRng(seed)),
          [matOf(randomRows(n, d, seed))],
          seed + 1,
        );
      }),
      { numRuns: 30 },
    );
  });

  it('dropout rejects a rate outside [0, 1)', () => {
    const x = constant(matOf([[1]]));
    expect(() => dropout(x, 1, createRng(1))).toThrow(InvalidArgumentError);
    expect(() => dropout(x, -0.1, createRng(1))).toThrow(InvalidArgumentError);
    expect(() => dropout(x, Number.NaN, createRng(1))).toThrow(InvalidArgumentError);
  });
});

describe('losses', () => {
  it('softmax cross-entropy equals −mean log softmax(z)_y and its gradient matches central differences', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        arbSeed,
        (n, c, seed) => {
          const z = matOf(randomRows(n, c, seed).map((r) => r.map((v) => 3 * v)));
          const labels = Array.from({ length: n }, (_, i) => (seed + i) % c);
          const loss = softmaxCrossEntropy(constant(z), labels).value.get(0, 0);
          const rows = rowsOf(z);
          let ref = 0;
          rows.forEach((r, i) => {
            const s = r.reduce((acc, v) => acc + Math.exp(v), 0);
            ref -= Math.log(Math.exp(r[labels[i]!]!) / s);
          });
          expect(Math.abs(loss - ref / n)).toBeLessThan(1e-13 * (1 + Math.abs(ref)));
          const v = variable(z);
          backward(softmaxCrossEntropy(v, labels));
          const f = (): number => softmaxCrossEntropy(constant(z), labels).value.get(0, 0);
          expect(gradientGap(rowsOf(v.grad!), numericGradient(f, z))).toBeLessThan(
            GRADIENT_TOLERANCE,
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it('cross-entropy stays finite when the true class probability underflows', () => {
    const loss = softmaxCrossEntropy(constant(matOf([[0, 1000]])), [0]).value.get(0, 0);
    expect(loss).toBe(1000);
    expect(rowsOf(softmax(matOf([[0, 1000]])))).toEqual([[0, 1]]);
  });

  it('squared error loss value and gradient match the definition and central differences', () => {
    fc.assert(
      fc.property(dims, ({ n, din, seed }) => {
        const y = matOf(randomRows(n, din, seed));
        const t = matOf(randomRows(n, din, seed + 1));
        let ref = 0;
        rowsOf(y).forEach((r, i) => r.forEach((v, j) => (ref += (v - t.get(i, j)) ** 2)));
        expect(
          Math.abs(squaredErrorLoss(constant(y), t).value.get(0, 0) - ref / (2 * n)),
        ).toBeLessThan(1e-13 * (1 + ref));
        const v = variable(y);
        backward(squaredErrorLoss(v, t));
        const f = (): number => squaredErrorLoss(constant(y), t).value.get(0, 0);
        expect(gradientGap(rowsOf(v.grad!), numericGradient(f, y))).toBeLessThan(
          GRADIENT_TOLERANCE,
        );
      }),
      { numRuns: 30 },
    );
  });

  it('Bernoulli cross-entropy equals −Σ[t log σ(z) + (1−t) log(1−σ(z))]/n and its gradient (σ(z) − t)/n matches central differences', () => {
    fc.assert(
      fc.property(dims, ({ n, din, seed }) => {
        const z = matOf(randomRows(n, din, seed).map((r) => r.map((v) => 3 * v)));
        const u = createRng(seed + 1);
        const t = matOf(
          Array.from({ length: n }, () => Array.from({ length: din }, () => u.next())),
        );
        let ref = 0;
        rowsOf(z).forEach((r, i) =>
          r.forEach((v, j) => {
            const p = 1 / (1 + Math.exp(-v));
            const tv = t.get(i, j);
            ref -= tv * Math.log(p) + (1 - tv) * Math.log(1 - p);
          }),
        );
        const loss = bernoulliCrossEntropy(constant(z), t).value.get(0, 0);
        expect(Math.abs(loss - ref / n)).toBeLessThan(1e-12 * (1 + ref));
        const v = variable(z);
        backward(bernoulliCrossEntropy(v, t));
        const f = (): number => bernoulliCrossEntropy(constant(z), t).value.get(0, 0);
        expect(gradientGap(rowsOf(v.grad!), numericGradient(f, z))).toBeLessThan(
          GRADIENT_TOLERANCE,
        );
      }),
      { numRuns: 30 },
    );
  });

  it('Bernoulli cross-entropy stays finite and exact where σ(z) rounds to 0 or 1', () => {
    // softplus(800) − 0·800 = 800; softplus(−800) − 1·(−800) = 800; a confident correct logit costs e^−800 ≈ 0.
    const loss = bernoulliCrossEntropy(constant(matOf([[800, -800, 800]])), matOf([[0, 1, 1]]));
    expect(loss.value.get(0, 0)).toBe(1600);
    const v = variable(matOf([[800, -800]]));
    backward(bernoulliCrossEntropy(v, matOf([[0, 1]])));
    expect(rowsOf(v.grad!)).toEqual([[1, -1]]);
  });

  it('reconstruction error is the per-row summed squared error of σ(logits)', () => {
    const z = matOf([
      [0, 800],
      [-800, 0],
    ]);
    const t = matOf([
      [1, 1],
      [0, 0],
    ]);
    // Row 0: (0.5 − 1)² + 0; row 1: 0 + 0.25; mean over rows 0.25.
    expect(reconstructionError(z, t)).toBe(0.25);
    expect(() => reconstructionError(z, matOf([[1, 1]]))).toThrow(ShapeError);
  });

  it('Bernoulli samples have mean σ(z) and are 0 or 1', () => {
    const n = 4000;
    const z = matOf(Array.from({ length: n }, () => [-1.5, 0, 2]));
    const s = sampleBernoulli(z, createRng(9));
    const means = [0, 1, 2].map((j) => {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += s.get(i, j);
      return sum / n;
    });
    expect(s.data.every((v) => v === 0 || v === 1)).toBe(true);
    [-1.5, 0, 2].forEach((v, j) => {
      const p = 1 / (1 + Math.exp(-v));
      // Five standard errors of a mean of n Bernoulli draws.
      expect(Math.abs(means[j]! - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
    });
  });

  it('rejects empty batches, wrong label counts, out-of-range and fractional labels', () => {
    const z = constant(
      matOf([
        [0, 1],
        [1, 0],
      ]),
    );
    expect(() => softmaxCrossEntropy(constant(matOf([], 2)), [])).toThrow(ShapeError);
    expect(() => softmaxCrossEntropy(z, [0])).toThrow(ShapeError);
    expect(() => softmaxCrossEntropy(z, [0, 2])).toThrow(InvalidArgumentError);
    expect(() => softmaxCrossEntropy(z, [0, -1])).toThrow(InvalidArgumentError);
    expect(() => softmaxCrossEntropy(z, [0, 0.5])).toThrow(InvalidArgumentError);
    expect(() => squaredErrorLoss(z, matOf([[1, 2]]))).toThrow(ShapeError);
    expect(() => squaredErrorLoss(constant(matOf([], 2)), matOf([], 2))).toThrow(ShapeError);
    expect(() => bernoulliCrossEntropy(z, matOf([[1, 0]]))).toThrow(ShapeError);
    expect(() =>
      bernoulliCrossEntropy(
        z,
        matOf([
          [1, 0],
          [0, 1.5],
        ]),
      ),
    ).toThrow(/bernoulliCrossEntropy.*target\[1, 1\].*\[0, 1\]/);
    expect(() =>
      bernoulliCrossEntropy(
        z,
        matOf([
          [1, 0],
          [0, NaN],
        ]),
      ),
    ).toThrow(InvalidArgumentError);
  });
});

describe('backward', () => {
  it('accumulates gradients of a tensor used twice and resets intermediate gradients between sweeps', () => {
    const w = variable(fromRows([[2]]));
    const h = linear(constant(fromRows([[3]])), w, { bias: false }); // h = 6
    const y = linear(h, h, { bias: false }); // y = h² = 36, h feeds both slots
    const loss = squaredErrorLoss(y, fromRows([[0]])); // ½y²: dL/dh = y·2h = 432, dL/dw = 432·3
    backward(loss);
    expect(h.grad!.get(0, 0)).toBe(432);
    expect(w.grad!.get(0, 0)).toBe(1296);
    backward(loss, { parameterGradients: false });
    expect(h.grad!.get(0, 0)).toBe(432); // reset, not doubled
    expect(w.grad!.get(0, 0)).toBe(1296); // a propagation-only pass leaves leaves alone
    backward(loss);
    expect(w.grad!.get(0, 0)).toBe(2592); // leaves accumulate across sweeps
  });

  it('leaves reject anything but a 2-D float64 matrix', () => {
    expect(() => variable([[1]] as never)).toThrow(InvalidArgumentError);
    expect(() => constant(new Float64Array(2) as never)).toThrow(InvalidArgumentError);
    expect(() => variable({ ...fromRows([[1]]), shape: [1], stride: [1] } as never)).toThrow(
      ShapeError,
    );
  });

  it('rejects a non-scalar root and a root without variables', () => {
    expect(() => backward(variable(fromRows([[1, 2]])))).toThrow(ShapeError);
    expect(() => backward(constant(fromRows([[1]])))).toThrow(InvalidArgumentError);
  });
});
