import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { collectExamples, runExample } from '../../../test-support/doctest';

// Every @example in the sources runs, and its `console.log(x); // value` lines hold.
const examples = collectExamples(join(__dirname, '..', 'src'));

describe('@bkfac/nn doc examples', () => {
  it('has examples', () => expect(examples.length).toBeGreaterThan(30));
  it.each(examples.map((e) => [`${e.file}:${e.line}`, e] as const))('%s', (_name, example) => {
    expect(runExample(example, require)).toEqual([]);
  });
});
