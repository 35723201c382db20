/**
 * What the UI shows of each model: name, description, supported data, the settings it reads and
 * its defaults. No tfjs import, so the page's main bundle can list models without loading the
 * training code (see registry.ts).
 */
import type { InteractionKind } from '../data/types';
import type { TrainConfig } from '../training/config';

/** Settings a model may read beyond those every run has (epochs, split, seed...). */
export type ModelSetting =
  | 'dim'
  | 'hidden'
  | 'learningRate'
  | 'l2'
  | 'optimizer'
  | 'batchSize'
  | 'epochs'
  | 'patience'
  | 'negatives'
  | 'dayBias'
  | 'softmax'
  | 'sampledNegatives';

export interface ModelInfo {
  name: string;
  label: string;
  description: string;
  /** Data it trains on: explicit ratings, implicit interactions, or both (the person picks). */
  kinds: InteractionKind[];
  /** The settings the model reads (the UI shows only these). */
  settings: ModelSetting[];
  /** Settings applied when the model is chosen (measured on the sample: see the README). */
  defaults: Partial<
    Pick<
      TrainConfig,
      'learningRate' | 'l2' | 'dim' | 'hidden' | 'epochs' | 'batchSize' | 'optimizer' | 'feedback'
    >
  >;
  /** Settings over `defaults` when the model trains on implicit feedback (measured). */
  implicitDefaults?: ModelInfo['defaults'];
  /** Fitted in closed form (one pass, no training settings). */
  fitted?: boolean;
  /** Learns an embedding for each metadata feature (genres, tags, user attributes). */
  usesFeatures?: boolean;
}

const TRAINED: ModelSetting[] = [
  'dim',
  'learningRate',
  'l2',
  'optimizer',
  'batchSize',
  'epochs',
  'patience',
];

export const MODELS: readonly ModelInfo[] = [
  {
    name: 'global-mean',
    label: 'Global mean (reference)',
    description:
      'Predicts every rating as the mean training rating. The floor every explicit model must ' +
      'beat; fitted in one pass.',
    kinds: ['explicit'],
    settings: [],
    defaults: {},
    fitted: true,
  },
  {
    name: 'baseline',
    label: 'User + item biases (BaselineOnly)',
    description:
      'The global mean plus a user bias and an item bias, fitted by regularised alternating ' +
      'least squares (as Surprise’s BaselineOnly: reg 15 for users, 10 for items, 10 sweeps). ' +
      'Captures generous users and well-liked items, nothing personal.',
    kinds: ['explicit'],
    settings: [],
    defaults: {},
    fitted: true,
  },
  {
    name: 'popularity',
    label: 'Popularity (reference)',
    description:
      'Recommends every user the most-interacted items they have not seen yet. The floor every ' +
      'ranking model must beat; fitted in one pass.',
    kinds: ['implicit', 'explicit'],
    settings: [],
    defaults: { feedback: 'implicit' },
    fitted: true,
  },
  {
    name: 'biased-mf',
    label: 'Biased matrix factorisation',
    description:
      'Funk SVD: a rating is the global mean plus a user bias, an item bias and the dot product of ' +
      'a user and an item embedding. Trained by mini-batch gradient descent on squared error with ' +
      'L2 regularisation of the rows each batch touches.',
    kinds: ['explicit'],
    settings: [...TRAINED, 'dayBias'],
    // Checked on validation (`npm run bench:defaults`, 18 settings): dimension 128 at lr 0.0286,
    // L2 0.119 reached validation RMSE 0.83760 against these settings' 0.83767, a tie; the
    // smaller dimension is kept (a quarter of the work, and of the map's memory).
    defaults: { learningRate: 0.02, l2: 0.15, dim: 32, epochs: 10 },
  },
  {
    name: 'svdpp',
    label: 'SVD++',
    description:
      'Biased matrix factorisation whose user vector also sums implicit factors of every item ' +
      'the user rated (normalised by the square root of their count): which films a person ' +
      'chose to rate says something about them, not only how they rated them.',
    kinds: ['explicit'],
    settings: [...TRAINED, 'dayBias'],
    // Chosen on validation (`npm run bench:defaults`, successive halving over 9 settings, seed 42):
    // validation RMSE 0.8346 against 0.8376 for biased MF's settings; the selected epochs are 3-6.
    defaults: { learningRate: 0.0286, l2: 0.119, dim: 128, epochs: 10 },
  },
  {
    name: 'fm',
    label: 'Factorisation machine',
    description:
      'Rendle’s factorisation machine over one-hot user and item ids and every metadata feature ' +
      '(genres, tags, user attributes): a bias per feature and a dot product between every ' +
      'pair of features, computed in O(k n). Ratings (squared error) or interactions (BPR).',
    kinds: ['explicit', 'implicit'],
    settings: [...TRAINED, 'negatives', 'dayBias'],
    // Ratings: chosen on validation (`npm run bench:defaults`, 27 settings): validation RMSE 0.8336.
    defaults: { learningRate: 0.0286, l2: 0.119, dim: 128, epochs: 10 },
    // BPR on the sample's cold-start items: L2 0.01 gives AUC 0.675, 0.1 gives 0.645.
    implicitDefaults: { learningRate: 0.02, l2: 0.01, dim: 32 },
    usesFeatures: true,
  },
  {
    name: 'hybrid',
    label: 'Hybrid with metadata (LightFM)',
    description:
      'A user (item) is the sum of the embeddings of its id and its metadata features, so a new ' +
      'user or item with features still gets a vector, and every genre or tag has an embedding ' +
      'of its own in the map. Ratings (squared error) or interactions (BPR).',
    kinds: ['explicit', 'implicit'],
    settings: [...TRAINED, 'negatives', 'dayBias'],
    // Ratings: chosen on validation (`npm run bench:defaults`, as SVD++): validation RMSE 0.8331.
    defaults: { learningRate: 0.0286, l2: 0.119, dim: 128, epochs: 10 },
    // BPR on the sample's cold-start items: L2 0.01 gives AUC 0.675, 0.1 gives 0.645.
    implicitDefaults: { learningRate: 0.02, l2: 0.01, dim: 32 },
    usesFeatures: true,
  },
  {
    name: 'bpr',
    label: 'BPR matrix factorisation',
    description:
      'Bayesian personalised ranking: every interaction is a positive, and the model learns to ' +
      'score it above an item sampled uniformly from the catalogue (pairwise logistic loss). ' +
      'Judged by ranking the held-out items, not by RMSE.',
    kinds: ['implicit'],
    settings: [...TRAINED, 'negatives'],
    // Recall@20 on the sample after 10 epochs: 0.148 at L2 0.15, 0.203 at 0.01, 0.189 at 0.001.
    defaults: { learningRate: 0.02, l2: 0.01, dim: 32, epochs: 10 },
  },
  {
    name: 'youtube-dnn',
    label: 'YouTube DNN (candidate generation)',
    description:
      'Covington et al. 2016: a user vector is an MLP over the mean embedding of the items in ' +
      'their history (and their features); item vectors are the softmax layer’s weights, so a ' +
      'recommendation is a dot product. Trained with a softmax over the catalogue (sampled, with ' +
      'the logQ correction, above 20,000 items).',
    kinds: ['implicit'],
    settings: [...TRAINED, 'hidden', 'softmax', 'sampledNegatives'],
    // Recall@20 on the sample: 0.279 at lr 0.01 (20 epochs), 0.276 at lr 0.005 (30 epochs).
    defaults: { learningRate: 0.01, l2: 0, dim: 64, hidden: 256, epochs: 20, batchSize: 4096 },
  },
  {
    name: 'autorec',
    label: 'AutoRec (sparse autoencoder)',
    description:
      'DSSTNE-style autoencoder over a user’s row of the rating matrix: the hidden layer is the ' +
      'user’s embedding, the decoder’s rows are the items’. Explicit: squared error on the ' +
      'observed ratings only (a masked loss); implicit: the whole row is reconstructed.',
    kinds: ['explicit', 'implicit'],
    settings: [...TRAINED.filter((s) => s !== 'dim'), 'hidden'],
    // Implicit (its strength: Recall@20 0.319 on the sample after 15 epochs); explicit, U-AutoRec
    // trails the factor models (RMSE about 0.92).
    defaults: {
      learningRate: 0.01,
      l2: 0.1,
      hidden: 256,
      epochs: 15,
      batchSize: 4096,
      feedback: 'implicit',
    },
  },
];

export function modelInfo(name: string): ModelInfo {
  const info = MODELS.find((m) => m.name === name);
  if (!info)
    throw new Error(`unknown model "${name}"; known: ${MODELS.map((m) => m.name).join(', ')}`);
  return info;
}
