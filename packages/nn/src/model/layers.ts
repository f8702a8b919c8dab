/**
 * Plain-data descriptions of the layers of a {@link Sequential} model.
 * @module
 */

/**
 * Fully connected layer `y = W x + b` (`b` omitted when `bias` is `false`).
 * @category Model
 */
export interface LinearSpec {
  /** Discriminant. */
  readonly type: 'linear';
  /** Input width `d_in`. */
  readonly inFeatures: number;
  /** Output width `d_out`. */
  readonly outFeatures: number;
  /** Whether the layer has a bias (default `true`). */
  readonly bias?: boolean;
  /**
   * Initialisation of its weights (default `'uniform'`): `'uniform'` draws every entry of
   * `W̃ = [W, b]` from `U[−1/√d_in, 1/√d_in]` (PyTorch's default); `'sparse'` gives each output
   * unit {@link SPARSE_FAN_IN} nonzero incoming weights from `N(0, 1)` (all of them if
   * `d_in` is smaller) and a zero bias (Martens 2010, for deep sigmoid autoencoders).
   */
  readonly init?: 'uniform' | 'sparse';
}

/**
 * Nonzero incoming weights per unit of the `'sparse'` initialisation.
 * @category Model
 */
export const SPARSE_FAN_IN = 15;

/**
 * Element-wise activation: `relu` (`max(x, 0)`), `tanh` or `sigmoid` (`1/(1 + e^{−x})`).
 * @category Model
 */
export interface ActivationSpec {
  /** Which activation. */
  readonly type: 'relu' | 'tanh' | 'sigmoid';
}

/**
 * Inverted dropout with drop probability `rate` (active only in training).
 * @category Model
 */
export interface DropoutSpec {
  /** Discriminant. */
  readonly type: 'dropout';
  /** Drop probability in `[0, 1)`. */
  readonly rate: number;
}

/**
 * One layer of a {@link Sequential} model, as plain (serialisable) data.
 * @category Model
 */
export type LayerSpec = LinearSpec | ActivationSpec | DropoutSpec;

/**
 * A Linear layer of a model, as the optimizers and K-factors see it.
 * @category Model
 */
export interface LinearLayerInfo {
  /** Key of its weight `W̃ = [W, b]` (`outFeatures x (inFeatures + 1)`) in the parameters. */
  readonly key: string;
  /** Input width `d_in`. */
  readonly inFeatures: number;
  /** Output width `d_out` (size of the G factor). */
  readonly outFeatures: number;
  /** Whether the last column of `W̃` is a bias (then the A factor has size `d_in + 1`). */
  readonly bias: boolean;
  /** How {@link Sequential.init} draws its weights. */
  readonly init: 'uniform' | 'sparse';
}
