/**
 * Doc-tests: every ```ts block inside a TSDoc `@example` of a package's
 * sources is transpiled and run, and each line of the form
 * `console.log(expr); // expected` must print `expected`.
 *
 * Comparison: strings are compared verbatim; other values as JSON with all
 * whitespace removed, so `[[1, 2], [3, 4]]` matches a nested array.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export interface DocExample {
  readonly file: string;
  readonly line: number;
  readonly code: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

/** Extracts the fenced ts blocks of every `@example` in the files under `srcDir`. */
export function collectExamples(srcDir: string): DocExample[] {
  const out: DocExample[] = [];
  for (const file of sourceFiles(srcDir)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    let inExample = false;
    let block: string[] | null = null;
    let start = 0;
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i]!.replace(/^\s*\*\s?/, '');
      if (/^\s*\*\s*@example/.test(lines[i]!)) inExample = true;
      else if (/^\s*\*\s*@\w+/.test(lines[i]!) || /\*\//.test(lines[i]!)) {
        if (block === null) inExample = false;
      }
      if (!inExample) continue;
      if (block === null && /^```(ts|typescript)\s*$/.test(text.trim())) {
        block = [];
        start = i + 2;
      } else if (block !== null && text.trim() === '```') {
        out.push({ file: relative(process.cwd(), file), line: start, code: block.join('\n') });
        block = null;
        inExample = false;
      } else if (block !== null) {
        block.push(text);
      }
    }
  }
  return out;
}

function normalise(value: unknown): string {
  if (typeof value === 'string') return value;
  const json = JSON.stringify(value, (_k, v: unknown) =>
    ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as Float64Array) : v,
  );
  return (json ?? String(value)).replace(/\s+/g, '');
}

/** Runs one example with the given `require`; returns mismatch descriptions. */
export function runExample(example: DocExample, req: (id: string) => unknown): string[] {
  const expectations: (string | null)[] = [];
  // Tag each checked console.log call with the index of its expectation.
  const instrumented = example.code
    .split('\n')
    .map((line) => {
      const m = /^(.*console\.log\()(.*)\);\s*\/\/\s?(.*)$/.exec(line);
      if (!m) return line;
      expectations.push(m[3]!.trim());
      return `${m[1]}${expectations.length - 1}, ${m[2]});`;
    })
    .join('\n');
  const js = ts.transpileModule(instrumented, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  }).outputText;
  const problems: string[] = [];
  const fakeConsole = {
    log: (index: unknown, ...values: unknown[]) => {
      if (typeof index !== 'number' || values.length !== 1) return; // unchecked log
      const expected = expectations[index]!;
      const actual = normalise(values[0]);
      const wanted = typeof values[0] === 'string' ? expected : expected.replace(/\s+/g, '');
      if (actual !== wanted) problems.push(`expected ${expected}, printed ${actual}`);
      expectations[index] = null;
    },
  };
  const fn = new Function('require', 'exports', 'console', js) as (
    r: typeof req,
    e: object,
    c: typeof fakeConsole,
  ) => void;
  fn(req, {}, fakeConsole);
  expectations.forEach((e, i) => {
    if (e !== null) problems.push(`checked console.log #${i} never ran (expected ${e})`);
  });
  return problems;
}
