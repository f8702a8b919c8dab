import { describe, expect, it } from '@jest/globals';
import { InvalidArgumentError } from '@bkfac/linalg';
import { learningRateAt, REFERENCE_LEARNING_RATE_TABLE } from '@bkfac/nn';

// Epochs are 0-based; the reference's formulas are written over the 1-based e = k + 1.
describe('learning-rate schedules over 0-based epochs', () => {
  const exp = { kind: 'exp', initial: 0.3, rate: 9, period: 80 } as const;

  it('exp during epoch 0 is the reference value at e = 1, 0.3·(79/80)^9', () => {
    expect(learningRateAt(exp, 0)).toBe(0.3 * (79 / 80) ** 9);
    expect(learningRateAt(exp, 0)).toBeCloseTo(0.2679, 4);
    expect(learningRateAt(exp, 79)).toBe(0);
    expect(learningRateAt(exp, 78)).toBeGreaterThan(0);
  });
  it('staircase divides by R every P epochs (at e = 12, i.e. epoch 11)', () => {
    const s = { kind: 'staircase', initial: 0.3, rate: 3, period: 12 } as const;
    expect([10, 11, 23].map((k) => learningRateAt(s, k))).toEqual([0.3, 0.3 / 3, 0.3 / 9]);
  });
  it('cos anneals to 0.001 then holds 0.0005', () => {
    const s = { kind: 'cos', initial: 0.1, period: 90 } as const;
    expect(learningRateAt(s, 44)).toBeCloseTo(0.001 + 0.5 * 0.099, 15);
    expect(learningRateAt(s, 89)).toBe(0.0005);
    expect(learningRateAt(s, 88)).toBeGreaterThan(0.001);
  });
  it('the reference table, re-keyed to 0-based epochs, at its boundaries', () => {
    const at = (k: number): number => learningRateAt(REFERENCE_LEARNING_RATE_TABLE, k);
    // The reference's 1-based epochs 1, 2, 3, 12, 13, 17, 18, 26, 27, 39, 40.
    expect([0, 1, 2, 11, 12, 16, 17, 25, 26, 38, 39].map(at)).toEqual([
      0.3, 0.2, 0.1, 0.1, 0.03, 0.03, 0.01, 0.01, 0.003, 0.003, 0.001,
    ]);
  });
  it('a piecewise table is read at the 0-based epoch, like damping and rank schedules', () => {
    const s = { kind: 'piecewise', table: { 0: 0.5, 3: 0.1 } } as const;
    expect([0, 2.9, 3].map((k) => learningRateAt(s, k))).toEqual([0.5, 0.5, 0.1]);
  });
  it('auto-scaling evaluates at e/s and multiplies by √s', () => {
    // CIFAR10 scripts: staircase 0.3, R 3, P 12, n = 128 on one worker: lr = 0.3·√0.5 / 3^⌊2e/12⌋
    const s = { kind: 'staircase', initial: 0.3, rate: 3, period: 12 } as const;
    const scaling = { workers: 1, batchSize: 128 };
    expect(learningRateAt(s, 4, scaling)).toBe(Math.sqrt(0.5) * 0.3);
    expect(learningRateAt(s, 5, scaling)).toBe(Math.sqrt(0.5) * (0.3 / 3));
  });
  it('rejects bad input', () => {
    expect(() => learningRateAt({ kind: 'nope' } as never, 1)).toThrow(InvalidArgumentError);
    expect(() => learningRateAt({ kind: 'constant', initial: 0.1 }, -1)).toThrow(
      /learningRateAt: argument 'epoch'/,
    );
    expect(() => learningRateAt({ kind: 'exp', initial: 0.1, rate: 1, period: 0 }, 1)).toThrow(
      InvalidArgumentError,
    );
    expect(() =>
      learningRateAt({ kind: 'constant', initial: 0.1 }, 1, { workers: 0, batchSize: 1 }),
    ).toThrow(InvalidArgumentError);
  });
});
