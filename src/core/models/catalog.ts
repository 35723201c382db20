/**
 * What the UI shows of each model: name, description, supported data. No tfjs import, so the
 * page's main bundle can list models without loading the training code (see registry.ts).
 */
import type { InteractionKind } from '../data/types';

export interface ModelInfo {
  name: string;
  label: string;
  description: string;
  kinds: InteractionKind[];
}

export const MODELS: readonly ModelInfo[] = [
  {
    name: 'biased-mf',
    label: 'Biased matrix factorisation',
    description:
      'Funk SVD: a rating is the global mean plus a user bias, an item bias and the dot product of ' +
      'a user and an item embedding. Trained by mini-batch gradient descent on squared error with ' +
      'L2 regularisation of the rows each batch touches.',
    kinds: ['explicit'],
  },
  {
    name: 'bpr',
    label: 'BPR matrix factorisation (implicit)',
    description:
      'Bayesian personalised ranking: every interaction is a positive, and the model learns to ' +
      'score it above an item sampled uniformly from the catalogue (pairwise logistic loss). ' +
      'Ratings are read as interactions. Judged by ranking the held-out items, not by RMSE.',
    kinds: ['implicit', 'explicit'],
  },
];
