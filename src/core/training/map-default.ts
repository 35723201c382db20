/**
 * The page's default run: chosen for the map a person explores first, by measurement on the
 * validation protocol (bench/space/tune.bench-test.ts; README "The map-first default"). The
 * hybrid (LightFM-style: an item is its id's embedding plus its genres' and tags' embeddings),
 * trained on interactions with popularity-drawn negatives: a negative drawn by popularity is a
 * film the person plausibly saw and passed over, so the model cannot score by popularity alone and
 * its neighbourhoods follow taste (genre agreement and ItemKNN overlap rise) rather than fame.
 * It ranks and does not predict ratings: the page keeps a rating model (biased MF) one click away,
 * and the runs panel says which run is best at what. DEFAULT_CONFIG stays the neutral base the
 * CLI, the benches and stored sessions fill missing settings from.
 */
import { DEFAULT_CONFIG, type TrainConfig } from './config';

export const MAP_FIRST_CONFIG: TrainConfig = {
  ...DEFAULT_CONFIG,
  model: 'hybrid',
  feedback: 'implicit',
  negatives: 'popularity',
  // On validation (bench/space/tune): learning rate 0.01 reaches Recall@20 0.136 at epoch 5
  // (0.02 peaks at 0.128 at epoch 3 and falls), with genre agreement 0.81 and ItemKNN overlap
  // 0.33 at λ 10; L2 0.05 stays under Recall@20 0.05 by epoch 3.
  learningRate: 0.01,
  l2: 0.01,
  dim: 32,
  epochs: 5,
};

/** Whether `c` is the map-first default's model, feedback and negatives (its other settings free). */
export function isMapFirst(c: Pick<TrainConfig, 'model' | 'feedback' | 'negatives'>): boolean {
  return (
    c.model === MAP_FIRST_CONFIG.model &&
    c.feedback === MAP_FIRST_CONFIG.feedback &&
    c.negatives === MAP_FIRST_CONFIG.negatives
  );
}
