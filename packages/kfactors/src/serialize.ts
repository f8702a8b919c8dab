/**
 * Checkpointing: a layer state as JSON-compatible metadata plus
 * `Float64Array` buffers, restored exactly (bit-identical continuation).
 * @module
 */
import { createRng, fromArray, gemm, InvalidArgumentError, reportedAs } from '@bkfac/linalg';
import type { RngState } from '@bkfac/linalg';
import { resolveConfigAs, toUserConfig } from './config.js';
import type { FactorState, LayerState } from './state.js';
import { assertLayerState, assertUnitEntries } from './state-check.js';

/**
 * A JSON value (what `JSON.stringify` writes and `JSON.parse` reads back unchanged).
 *
 * @example
 * ```ts
 * import type { JsonValue } from '@bkfac/kfactors';
 * const v: JsonValue = { step: 3, tags: ['a', null] };
 * console.log(JSON.stringify(v)); // {"step":3,"tags":["a",null]}
 * ```
 * @category Checkpoints
 */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * A serialised layer state: `meta` is JSON-compatible (write it with
 * `JSON.stringify`); every `Float64Array` of the state is replaced in it by
 * `{ "$buffer": i }` and stored as `buffers[i]` (write them as raw bytes).
 *
 * @example
 * ```ts
 * import { createLayerState, snapshotLayer, type LayerSnapshot } from '@bkfac/kfactors';
 * const snap: LayerSnapshot = snapshotLayer(createLayerState({ strategy: 'kfac' }, { inputDim: 3, outputDim: 2, batchSize: 4 }));
 * console.log(snap.meta.format); // bkfac-kfactors-layer
 * ```
 * @category Checkpoints
 */
export interface LayerSnapshot {
  /** Format tag, version and the state with buffer references. */
  readonly meta: {
    /** Always `'bkfac-kfactors-layer'`. */
    readonly format: 'bkfac-kfactors-layer';
    /** Format version: 2 (version 1, whose configuration named the strategy and listed the rank rules flat, is read too). */
    readonly version: 1 | 2;
    /** The state, buffers replaced by `{ "$buffer": index }`. */
    readonly state: JsonValue;
  };
  /** Copies of the state's buffers (averages, eigenvalues, eigenvectors). */
  readonly buffers: readonly Float64Array[];
}

const FORMAT = 'bkfac-kfactors-layer';

/**
 * Serialises a layer state. The snapshot owns copies of the buffers, so the
 * state may keep training while the snapshot is written.
 *
 * @param state - the layer state
 * @returns `{ meta, buffers }`
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `state` is not a layer state from `createLayerState`/`restoreLayer` (wrong kinds, sizes or bookkeeping)
 * @example
 * ```ts
 * import { createLayerState, restoreLayer, snapshotLayer } from '@bkfac/kfactors';
 * const state = createLayerState({ strategy: 'b-kfac', rank: 2 }, { inputDim: 9, outputDim: 3, batchSize: 2 });
 * const snap = snapshotLayer(state);
 * const text = JSON.stringify(snap.meta);
 * const back = restoreLayer({ meta: JSON.parse(text), buffers: snap.buffers });
 * console.log(back.a.tracking); // brand
 * ```
 * @category Checkpoints
 */
export function snapshotLayer(state: LayerState): LayerSnapshot {
  assertLayerState('snapshotLayer', 'state', state);
  const buffers: Float64Array[] = [];
  return { meta: { format: FORMAT, version: 2, state: encode(state, buffers) }, buffers };
}

/**
 * Restores a layer state from {@link snapshotLayer}'s output (after a JSON
 * round trip of `meta`), validating it: configuration (re-resolved), sizes,
 * buffer lengths, finiteness, orthonormality of the bases (one probe),
 * non-negative eigenvalues, exactly symmetric dense averages with
 * `|K_ij|² ≤ K_ii·K_jj`, update bookkeeping (no refresh after the last
 * update) and the generator state. Continuing from the restored state reproduces the
 * uninterrupted run bit for bit.
 *
 * @param snapshot - `{ meta, buffers }`
 * @returns a fresh state owning copies of the buffers
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if the snapshot is malformed or inconsistent
 * @throws {@link InvalidScheduleError} if its configuration holds an invalid schedule
 * @example
 * ```ts
 * import { restoreLayer } from '@bkfac/kfactors';
 * try {
 *   restoreLayer({ meta: { format: 'other', version: 1, state: null } as never, buffers: [] });
 * } catch (e) {
 *   console.log((e as Error).name); // InvalidArgumentError
 * }
 * ```
 * @category Checkpoints
 */
export function restoreLayer(snapshot: LayerSnapshot): LayerState {
  const meta = snapshot?.meta;
  if (meta?.format !== FORMAT || (meta.version !== 1 && meta.version !== 2)) {
    fail('snapshot.meta', `{ format: '${FORMAT}', version: 1 or 2 }`, meta?.format ?? meta);
  }
  if (!Array.isArray(snapshot.buffers))
    fail('snapshot.buffers', 'an array of Float64Array', snapshot.buffers);
  const raw = decode(meta.state, snapshot.buffers, 'state') as Record<string, unknown>;
  if (typeof raw !== 'object' || raw === null) fail('state', 'an object', raw);
  const config = resolveConfigAs(
    'restoreLayer',
    'state.config',
    toUserConfig(
      'restoreLayer',
      'state.config',
      meta.version === 1 ? upgradeConfigV1(raw.config) : raw.config,
    ),
  );
  const inputDim = int(raw.inputDim, 'state.inputDim', 1);
  const outputDim = int(raw.outputDim, 'state.outputDim', 1);
  const state: LayerState = {
    config,
    inputDim,
    outputDim,
    batchSize: int(raw.batchSize, 'state.batchSize', 1),
    a: restoreFactor(raw.a, 'A', inputDim, 'state.a'),
    g: restoreFactor(raw.g, 'G', outputDim, 'state.g'),
    lastStep: int(raw.lastStep, 'state.lastStep', -1),
    epoch: num(raw.epoch, 'state.epoch', 0),
    damping: num(raw.damping, 'state.damping', 0),
  };
  assertLayerState('restoreLayer', 'state', state);
  for (const [factor, arg] of [
    [state.a, 'state.a'],
    [state.g, 'state.g'],
  ] as const) {
    reportedAs('restoreLayer', arg, () => checkFactorContent(factor, arg));
  }
  return state;
}

/** A version-1 resolved configuration in today's shape: rank rules nested under `adaptiveRank`. */
function upgradeConfigV1(config: unknown): unknown {
  if (typeof config !== 'object' || config === null) return config;
  const { rsvdRankRule, brandRankRule, ...rest } = config as Record<string, unknown>;
  return { ...rest, adaptiveRank: { rsvd: rsvdRankRule, brand: brandRankRule } };
}

/**
 * What a K-factor always is and a corrupted snapshot may not be: eigenvalues
 * ≥ 0 (negative ones are zeroed at every refresh), and a dense average that is
 * exactly symmetric (it is formed so) with |K_ij|² ≤ K_ii·K_jj (positive
 * semi-definite), which catches a flipped exponent in any off-diagonal entry
 * and a shrunken diagonal.
 */
function checkFactorContent(f: FactorState, arg: string): void {
  const negative = f.values.findIndex((v) => v < 0);
  if (negative >= 0)
    fail(`${arg}.values`, 'eigenvalues >= 0', `${f.values[negative]} at [${negative}]`);
  const k = f.average;
  if (k === null) return;
  const d = f.dim;
  for (let i = 0; i < d; i++) {
    const kii = k[i * d + i]!;
    if (kii < 0) fail(`${arg}.average`, 'a non-negative diagonal', `${kii} at (${i}, ${i})`);
    for (let j = 0; j < i; j++) {
      const kij = k[i * d + j]!;
      if (kij !== k[j * d + i]) {
        fail(
          `${arg}.average`,
          'an exactly symmetric matrix',
          `${kij} at (${i}, ${j}) and ${k[j * d + i]} at (${j}, ${i})`,
        );
      }
      if (kij * kij > kii * k[j * d + j]! * (1 + 1e-8)) {
        fail(
          `${arg}.average`,
          'a positive semi-definite matrix (|K_ij|² ≤ K_ii·K_jj)',
          `${kij} at (${i}, ${j})`,
        );
      }
    }
  }
}

function restoreFactor(value: unknown, side: 'A' | 'G', dim: number, arg: string): FactorState {
  if (typeof value !== 'object' || value === null) fail(arg, 'an object', value);
  const f = value as Record<string, unknown>;
  if (f.side !== side || f.dim !== dim)
    fail(`${arg}.side/dim`, `'${side}' of size ${dim}`, `${f.side} ${f.dim}`);
  if (f.tracking !== 'dense' && f.tracking !== 'brand')
    fail(`${arg}.tracking`, "'dense' or 'brand'", f.tracking);
  const values = buffer(f.values, `${arg}.values`, null);
  const m = values.length;
  if (m > dim) fail(`${arg}.values`, `at most ${dim} eigenvalues`, m);
  const vectors = buffer(f.vectors, `${arg}.vectors`, dim * m);
  const average =
    f.average === null && f.tracking === 'brand'
      ? null
      : buffer(f.average, `${arg}.average`, dim * dim);
  if (
    !Array.isArray(f.ratios) ||
    f.ratios.some((r) => typeof r !== 'number' || !Number.isFinite(r))
  ) {
    fail(`${arg}.ratios`, 'an array of finite numbers', f.ratios);
  }
  let rng: RngState;
  try {
    rng = createRng(f.rng as RngState).state();
  } catch {
    fail(`${arg}.rng`, 'a generator state', f.rng);
  }
  checkBasis(vectors, dim, m, `${arg}.vectors`);
  return {
    side,
    dim,
    tracking: f.tracking,
    updates: int(f.updates, `${arg}.updates`, 0),
    average,
    averageUpdates: int(f.averageUpdates, `${arg}.averageUpdates`, 0),
    values,
    vectors,
    refreshedAt: int(f.refreshedAt, `${arg}.refreshedAt`, -1),
    rank: int(f.rank, `${arg}.rank`, 1, dim),
    scheduledRank: int(f.scheduledRank, `${arg}.scheduledRank`, 1),
    ratios: (f.ratios as number[]).slice(),
    rng: rng!,
  };
}

/** One probe `‖VᵀV·x − x‖ ≤ 1e-6·‖x‖`, `O(d·m)`: catches corrupted bases. */
function checkBasis(vectors: Float64Array, d: number, m: number, arg: string): void {
  if (m === 0) return;
  assertUnitEntries('restoreLayer', arg, vectors);
  const v = fromArray(vectors, [d, m], 'col');
  const x = fromArray(
    Float64Array.from({ length: m }, (_, i) => Math.cos(i + 1)),
    [m, 1],
    'col',
  );
  const back = gemm(v, gemm(v, x), { transA: true });
  let err = 0;
  let norm = 0;
  for (let i = 0; i < m; i++) {
    err += (back.data[i]! - x.data[i]!) ** 2;
    norm += x.data[i]! ** 2;
  }
  if (!(err <= 1e-12 * norm))
    fail(arg, 'orthonormal columns', `‖VᵀVx − x‖/‖x‖ = ${Math.sqrt(err / norm)}`);
}

function encode(value: unknown, buffers: Float64Array[]): JsonValue {
  if (value instanceof Float64Array) {
    buffers.push(value.slice());
    return { $buffer: buffers.length - 1 };
  }
  if (Array.isArray(value)) return value.map((v) => encode(v, buffers));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v, buffers)]));
  }
  return value as JsonValue;
}

function decode(value: unknown, buffers: readonly Float64Array[], arg: string): unknown {
  if (Array.isArray(value)) return value.map((v, i) => decode(v, buffers, `${arg}[${i}]`));
  if (typeof value !== 'object' || value === null) return value;
  const ref = (value as { $buffer?: unknown }).$buffer;
  if (ref !== undefined) {
    const b = Number.isInteger(ref) ? buffers[ref as number] : undefined;
    if (!(b instanceof Float64Array))
      fail(arg, 'a reference to a Float64Array in snapshot.buffers', ref);
    return b.slice();
  }
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, decode(v, buffers, `${arg}.${k}`)]),
  );
}

function buffer(value: unknown, arg: string, length: number | null): Float64Array {
  if (!(value instanceof Float64Array) || (length !== null && value.length !== length)) {
    fail(
      arg,
      `a Float64Array${length === null ? '' : ` of length ${length}`}`,
      value instanceof Float64Array ? `length ${value.length}` : value,
    );
  }
  for (let i = 0; i < value.length; i++) {
    if (!Number.isFinite(value[i]!)) fail(arg, 'finite entries', `${value[i]} at [${i}]`);
  }
  return value;
}

function int(value: unknown, arg: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    fail(arg, `an integer in [${min}, ${max}]`, value);
  }
  return value as number;
}

function num(value: unknown, arg: string, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min)
    fail(arg, `a finite number >= ${min}`, value);
  return value as number;
}

function fail(arg: string, expected: string, received: unknown): never {
  throw new InvalidArgumentError('restoreLayer', arg, expected, received);
}
