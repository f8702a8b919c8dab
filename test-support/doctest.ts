/**
 * Doc-tests: every ```ts block inside a TSDoc `@example` of a package's
 * sources is transpiled and run, and each line of the form
 * `console.log(expr); // expected` must print `expected`.
 *
 * Comparison: strings are compared verbatim; other values as JSON with all
 * whitespace removed, so `[[1, 2], [3, 4]]` matches a nested array. Several
 * logged values are joined by a space. An expectation starting with `≈`
 * compares numbers to the precision written: `≈ [0.7071, 3]` accepts
 * |x − 0.7071| ≤ 0.5e-4 and |y − 3| ≤ 1e-9·max(1, 3).
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

/** Numbers inside a JSON-like text, with the tolerance their written precision implies. */
function writtenNumbers(text: string): { value: number; tol: number }[] {
  return [...text.matchAll(/-?\d+(?:\.(\d+))?(?:e[-+]?\d+)?/gi)].map((m) => {
    const value = Number(m[0]);
    const decimals = m[1]?.length ?? 0;
    const tol =
      decimals > 0 && !/e/i.test(m[0])
        ? 0.5 * 10 ** -decimals
        : 1e-9 * Math.max(1, Math.abs(value));
    return { value, tol };
  });
}

function approximatelyEqual(expected: string, actual: string): boolean {
  const shape = (t: string): string =>
    t.replace(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi, '#').replace(/\s+/g, '');
  if (shape(expected) !== shape(actual)) return false;
  const want = writtenNumbers(expected);
  const got = writtenNumbers(actual);
  return want.every((w, i) => Math.abs(got[i]!.value - w.value) <= w.tol);
}

/** The ```ts blocks of markdown files (paths relative to the repository root). */
export function collectMarkdownExamples(files: readonly string[]): DocExample[] {
  const root = join(__dirname, '..');
  return files.flatMap((file) => {
    const text = readFileSync(join(root, file), 'utf8');
    return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => ({
      file,
      line: text.slice(0, m.index).split('\n').length + 1,
      code: m[1]!,
    }));
  });
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
      if (typeof index !== 'number' || values.length === 0) return; // unchecked log
      const expected = expectations[index]!;
      const actual = values.map(normalise).join(' ');
      const ok = expected.startsWith('≈')
        ? approximatelyEqual(expected.slice(1), actual)
        : values.length === 1 && typeof values[0] === 'string'
          ? actual === expected
          : actual.replace(/\s+/g, '') === expected.replace(/\s+/g, '');
      if (!ok) problems.push(`expected ${expected}, printed ${actual}`);
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
