import { join } from 'node:path';
import {
  collectExamples,
  collectMarkdownExamples,
  runExample,
} from '../../../test-support/doctest';

// Every @example in the sources runs, and its `console.log(x); // value` lines hold.
const examples = collectExamples(join(__dirname, '..', 'src'));

describe('@bkfac/kfactors doc examples', () => {
  it('has examples', () => expect(examples.length).toBeGreaterThan(30));
  it.each(examples.map((e) => [`${e.file}:${e.line}`, e] as const))('%s', (_name, example) => {
    expect(runExample(example, require)).toEqual([]);
  });
});

// Every ```ts block of the package README and of the guide runs the same way.
const guides = collectMarkdownExamples(['packages/kfactors/README.md', 'docs/kfactors.md']);

describe('@bkfac/kfactors guide examples', () => {
  it('has examples', () => expect(guides.length).toBeGreaterThanOrEqual(3));
  it.each(guides.map((e) => [`${e.file}:${e.line}`, e] as const))('%s', (_name, example) => {
    expect(runExample(example, require)).toEqual([]);
  });
});
