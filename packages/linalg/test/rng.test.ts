import { createRng, gaussianMatrix, InvalidArgumentError } from '@bkfac/linalg';

describe('createRng', () => {
  it('restores the exact stream from a state snapshot', () => {
    const rng = createRng(3);
    rng.normal();
    const saved = rng.state();
    const a = [rng.normal(), rng.next(), rng.uint32()];
    const b = createRng(saved);
    expect([b.normal(), b.next(), b.uint32()]).toEqual(a);
  });
  it('rejects a fractional seed', () => {
    expect(() => createRng(1.5)).toThrow(InvalidArgumentError);
  });
  it('produces roughly standard normal deviates', () => {
    const g = gaussianMatrix(200, 50, createRng(1), 'col');
    let s = 0;
    let s2 = 0;
    for (const x of g.data) {
      s += x;
      s2 += x * x;
    }
    const n = g.data.length;
    expect(Math.abs(s / n)).toBeLessThan(0.05);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.05);
  });
});

describe('createRng rejects invalid saved states', () => {
  it.each([
    [{ words: [1, 2, 3, 4], spareNormal: NaN }, 'seed.spareNormal'],
    [{ words: [1, 2, 3, 4], spareNormal: Infinity }, 'seed.spareNormal'],
    [{ words: [1, 2, 3, 4], spareNormal: '0.5' }, 'seed.spareNormal'],
    [{ words: [1, 2, 3, 4] }, 'seed.spareNormal'],
    [{ words: [0, 0, 0, 0], spareNormal: null }, 'seed.words'],
    [{ words: [1, 2, 3, 2 ** 32], spareNormal: null }, 'seed'],
  ])('%j names %s', (state, arg) => {
    expect(() => createRng(state as never)).toThrow(InvalidArgumentError);
    expect(() => createRng(state as never)).toThrow(`createRng: argument '${arg}'`);
  });

  it('a valid state with a cached normal continues the stream', () => {
    const rng = createRng(5);
    rng.normal();
    const saved = rng.state();
    expect(saved.spareNormal).not.toBeNull();
    expect(createRng(saved).normal()).toBe(rng.normal());
  });
});
