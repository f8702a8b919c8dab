import { join } from 'node:path';
import {
  collectExamples,
  collectMarkdownExamples,
  runExample,
} from '../../../test-support/doctest';

// Every @example in the sources runs, and its `console.log(x); // value` lines hold.
const examples = collectExamples(join(__dirname, '..', 'src'));

describe('@bkfac/linalg doc examples', () => {
  it('has examples', () => expect(examples.length).toBeGreaterThan(10));
  it.each(examples.map((e) => [`${e.file}:${e.line}`, e] as const))('%s', (_name, example) => {
    expect(runExample(example, require)).toEqual([]);
  });
});

describe('doc-test runner', () => {
  const run = (code: string): string[] => runExample({ file: 'x', line: 1, code }, require);
  it('accepts matching output, including nested arrays', () => {
    expect(run(`const a = [[1, 2], [3]];\nconsole.log(a); // [[1, 2], [3]]`)).toEqual([]);
  });
  it('reports a wrong expectation', () => {
    expect(run(`console.log(1 + 1); // 3`)).toEqual(['expected 3, printed 2']);
  });
  it('reports a checked line that never ran', () => {
    expect(run(`if (false) {\nconsole.log(1); // 1\n}`)).toHaveLength(1);
  });
  it('compares ≈ expectations to the precision written', () => {
    expect(run(`console.log([0.70712, 3]); // ≈ [0.7071, 3]`)).toEqual([]);
    expect(run(`console.log(0.7072); // ≈ 0.7071`)).toHaveLength(1);
    expect(run(`console.log([1, 2]); // ≈ [1, 2, 3]`)).toHaveLength(1);
  });
  it('joins several logged values with a space', () => {
    expect(run(`console.log(null, [[5]]); // null [[5]]`)).toEqual([]);
  });
  it('propagates exceptions thrown by an example', () => {
    expect(() => run(`throw new Error('boom');`)).toThrow('boom');
  });
});

// Every ```ts block of the guides runs, with the same checks.
const guides = collectMarkdownExamples([
  'packages/linalg/README.md',
  'docs/linalg.md',
  'docs/online-decompositions.md',
]);

describe('@bkfac/linalg guide examples', () => {
  it('has examples', () => expect(guides.length).toBeGreaterThanOrEqual(7));
  it.each(guides.map((e) => [`${e.file}:${e.line}`, e] as const))('%s', (_name, example) => {
    expect(runExample(example, require)).toEqual([]);
  });
});
