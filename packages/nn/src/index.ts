/**
 * `@bkfac/nn`: a small reverse-mode autograd for MLPs whose Linear layers hand
 * their K-factor statistics to `@bkfac/kfactors`, optimizers as chains of
 * transforms with explicit state (SGD, Adam and the K-FAC family), an IDX
 * reader, checkpoints and a training loop. The `bkfac train` CLI is the
 * separate `@bkfac/train` app.
 * @packageDocumentation
 */
export { DataFormatError, FileAccessError } from './errors.js';
export { Tensor, variable, constant } from './autograd/tensor.js';
export type { BackwardContext } from './autograd/tensor.js';
export { backward } from './autograd/backward.js';
export type { BackwardOptions } from './autograd/backward.js';
export { linear } from './ops/linear.js';
export type { LinearHooks, LinearOptions } from './ops/linear.js';
export { relu, sigmoid, tanh } from './ops/activations.js';
export { dropout } from './ops/dropout.js';
export {
  bernoulliCrossEntropy,
  reconstructionError,
  softmax,
  softmaxCrossEntropy,
  squaredErrorLoss,
} from './ops/losses.js';
export { sampleBernoulli, sampleLabels, sampleTargets } from './ops/sampling.js';
export type {
  LayerSpec,
  LinearSpec,
  ActivationSpec,
  DropoutSpec,
  LinearLayerInfo,
} from './model/layers.js';
export { SPARSE_FAN_IN } from './model/layers.js';
export { Sequential, autoencoder, sequential, mlp } from './model/sequential.js';
export type {
  Batch,
  LayerCurvature,
  Curvature,
  FisherType,
  LossKind,
  LossOptions,
  LossAndGradients,
  AutoencoderOptions,
  ForwardOptions,
  MlpOptions,
} from './model/sequential.js';
export { zerosLike, cloneParams, applyUpdates, applyUpdatesInPlace } from './model/params.js';
export type { Params } from './model/params.js';
export { parseIdx } from './data/idx.js';
export type { IdxArray } from './data/idx.js';
export { imageDataset, arrayDataset, MNIST_NORMALIZATION } from './data/dataset.js';
export type { Dataset, Normalization, ImageDatasetOptions } from './data/dataset.js';
export { loadMnist } from './data/mnist.js';
export type { MnistOptions } from './data/mnist.js';
export { BatchSampler, shuffleInPlace } from './data/sampler.js';
export type { SamplerState, SamplerOptions, IndexBatch } from './data/sampler.js';
export { batches } from './data/batches.js';
export type { LabelledBatch, BatchesOptions } from './data/batches.js';
export type { Optimizer, StepContext, CurvatureNeeds } from './optim/types.js';
export { learningRateAt, REFERENCE_LEARNING_RATE_TABLE } from './optim/learning-rate.js';
export type {
  LearningRate,
  LearningRateScaling,
  LearningRateSchedule,
  ScaledLearningRate,
} from './optim/learning-rate.js';
export { chain } from './optim/transform.js';
export type { ChainState, GradientTransform, TransformContext } from './optim/transform.js';
export {
  addWeightDecay,
  heavyBall,
  masked,
  scaleByAdam,
  scaleByLearningRate,
} from './optim/transforms.js';
export type {
  AdamScalingOptions,
  AdamScalingState,
  CountState,
  MomentumOptions,
  MomentumState,
  WeightDecayOptions,
} from './optim/transforms.js';
export { sgd } from './optim/sgd.js';
export type { SgdOptions } from './optim/sgd.js';
export { adam, adamw } from './optim/adam.js';
export type { AdamOptions } from './optim/adam.js';
export { encodeTree, decodeTree } from './checkpoint/codec.js';
export { saveCheckpoint, loadCheckpoint } from './checkpoint/file.js';
export { ensureWritableFolder } from './checkpoint/files.js';
export { evaluate, evaluateReconstruction } from './train/evaluate.js';
export type { Evaluation, ReconstructionEvaluation } from './train/evaluate.js';
export { Trainer } from './train/trainer.js';
export type { TrainerOptions, TrainerSnapshot, StepReport } from './train/trainer.js';
export { kfacPreconditioner } from './optim/kfac-preconditioner.js';
export type {
  KfacPreconditionerOptions,
  KfacPreconditionerState,
  KfacTiming,
  Preconditioner,
} from './optim/kfac-preconditioner.js';
export { kfacOptimizer } from './optim/kfac.js';
export type { KfacOptions } from './optim/kfac.js';
export { paperFactorConfig, paperLearningRate } from './optim/paper.js';
