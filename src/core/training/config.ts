/** Training settings, their defaults and ranges (the UI renders these; the worker validates). */
// No tfjs import here: the page's main bundle uses these without loading tfjs.

export const OPTIMIZERS = [
  'sgd',
  'momentum',
  'adagrad',
  'adadelta',
  'rmsprop',
  'adam',
  'adamax',
] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export const OPTIMIZER_LABELS: Record<OptimizerName, string> = {
  sgd: 'SGD',
  momentum: 'Momentum (0.9)',
  adagrad: 'Adagrad',
  rmsprop: 'RMSProp',
  adam: 'Adam',
  adamax: 'Adamax',
  adadelta: 'Adadelta (rho 0.95)',
};

export const SPLITS = ['random', 'temporal', 'cold-items', 'cold-users', 'test-file'] as const;
export type SplitName = (typeof SPLITS)[number];

export const SPLIT_LABELS: Record<SplitName, string> = {
  random: 'Random',
  temporal: 'Temporal (latest)',
  'cold-items': 'Cold-start items',
  'cold-users': 'Cold-start users',
  // A second file (u1.test beside u1.base) is the test part; the loaded file trains.
  'test-file': 'Test file (a second file)',
};

export interface TrainConfig {
  model: string;
  dim: number;
  /** Hidden units per layer of the deep models (autorec, youtube-dnn). */
  hidden: number;
  /**
   * 'explicit': fit the ratings. 'implicit': every kept row is a positive interaction; with
   * explicit data, rows rated below `binarizeAt` are dropped first (0 keeps every row).
   */
  feedback: 'explicit' | 'implicit';
  binarizeAt: number;
  /**
   * How the held-out rows are chosen; `testFraction` is the share of rows, items or users
   * ('test-file': the test part is a second file, and `testFraction` is not used).
   */
  split: SplitName;
  /** Pairwise models' sampled negatives: uniform over the catalogue, or by popularity. */
  negatives: 'uniform' | 'popularity';
  /**
   * Learn a bias per (user, day) (timeSVD++'s b_{u,t}) in the explicit models that read it, when
   * the data has timestamps.
   */
  dayBias: boolean;
  /**
   * The YouTube network's training softmax: over the whole catalogue ('full'), over the batch's
   * items and `sampledNegatives` popularity-drawn negatives with the logQ correction ('sampled'),
   * or 'auto': sampled above 20,000 items. Ranking metrics always cover the whole catalogue.
   */
  softmax: 'auto' | 'full' | 'sampled';
  /** Negatives per batch of the sampled softmax. */
  sampledNegatives: number;
  /** Stop when the validation metric has not improved for this many epochs (0: off). */
  patience: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  l2: number;
  optimizer: OptimizerName;
  testFraction: number;
  /**
   * Share of the training part held out as the validation part, which early stopping, the
   * selected epoch and tuning read (0: none; the run then keeps its last epoch).
   */
  validationFraction: number;
  /**
   * k-fold cross-validation: 1 trains once on the split; k >= 2 trains k times, each fold's
   * block of rows (or items, or users, for the cold-start splits) the test part once.
   */
  folds: number;
  seed: number;
  /** Projection refresh while training: every this many epochs (0 = never). */
  projectEvery: number;
}

export const DEFAULT_CONFIG: TrainConfig = {
  model: 'biased-mf',
  dim: 32,
  hidden: 256,
  feedback: 'explicit',
  binarizeAt: 0,
  split: 'random',
  patience: 0,
  dayBias: true,
  negatives: 'uniform',
  softmax: 'auto',
  sampledNegatives: 1024,
  epochs: 10,
  batchSize: 4096,
  learningRate: 0.02,
  l2: 0.15,
  optimizer: 'adam',
  testFraction: 0.2,
  validationFraction: 0.1,
  folds: 1,
  seed: 42,
  projectEvery: 2,
};

type NumericKey = Exclude<
  keyof TrainConfig,
  'model' | 'optimizer' | 'feedback' | 'split' | 'negatives' | 'dayBias' | 'softmax'
>;

export const LIMITS: Record<
  NumericKey,
  { min: number; max: number; step: number; integer: boolean }
> = {
  dim: { min: 1, max: 512, step: 1, integer: true },
  hidden: { min: 1, max: 2048, step: 1, integer: true },
  binarizeAt: { min: 0, max: 1e6, step: 0.5, integer: false },
  patience: { min: 0, max: 100, step: 1, integer: true },
  epochs: { min: 1, max: 1000, step: 1, integer: true },
  batchSize: { min: 1, max: 262144, step: 1, integer: true },
  learningRate: { min: 1e-6, max: 10, step: 0.001, integer: false },
  l2: { min: 0, max: 10, step: 0.01, integer: false },
  testFraction: { min: 0.05, max: 0.5, step: 0.05, integer: false },
  validationFraction: { min: 0, max: 0.5, step: 0.05, integer: false },
  folds: { min: 1, max: 20, step: 1, integer: true },
  seed: { min: 0, max: 2 ** 31 - 1, step: 1, integer: true },
  projectEvery: { min: 0, max: 1000, step: 1, integer: true },
  sampledNegatives: { min: 1, max: 100_000, step: 1, integer: true },
};

/** Returns one message per invalid field (empty when the config is valid). */
export function validateConfig(c: TrainConfig): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(LIMITS) as NumericKey[]) {
    const v = c[key];
    const { min, max, integer } = LIMITS[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) problems.push(`${key} must be a number`);
    else if (v < min || v > max)
      problems.push(`${key} must be between ${min} and ${max}, got ${v}`);
    else if (integer && !Number.isInteger(v))
      problems.push(`${key} must be a whole number, got ${v}`);
  }
  if (!OPTIMIZERS.includes(c.optimizer)) problems.push(`unknown optimizer "${c.optimizer}"`);
  if (c.feedback !== 'explicit' && c.feedback !== 'implicit')
    problems.push(`feedback must be "explicit" or "implicit", got "${c.feedback}"`);
  if (!SPLITS.includes(c.split)) problems.push(`unknown split "${c.split}"`);
  // Said before any fold starts: the file is one fixed test part.
  if (c.split === 'test-file' && c.folds > 1)
    problems.push(
      'a test file is the test part as given, which cannot be cut into folds: set Folds to 1, or choose a random or cold-start split for cross-validation',
    );
  if (c.negatives !== 'uniform' && c.negatives !== 'popularity')
    problems.push(`negatives must be "uniform" or "popularity", got "${c.negatives}"`);
  if (c.softmax !== 'auto' && c.softmax !== 'full' && c.softmax !== 'sampled')
    problems.push(`softmax must be "auto", "full" or "sampled", got "${c.softmax}"`);
  if (typeof c.dayBias !== 'boolean')
    problems.push(`dayBias must be true or false, got "${String(c.dayBias)}"`);
  return problems;
}
