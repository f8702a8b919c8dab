import fc from 'fast-check';

// Fixed default seed so failures reproduce; override with FC_SEED=<int>.
// fast-check prints the seed and counterexample path of any failure.
const seed = Number(process.env.FC_SEED ?? 20261125);
fc.configureGlobal({ seed, numRuns: Number(process.env.FC_NUM_RUNS ?? 60) });
