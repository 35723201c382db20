/** Picks the trainer a model needs: mini-batches of interactions, or of users. */
import { createModel } from '../models/registry';
import { Trainer, modelContext, type ModelTrainer, type TrainData } from './trainer';
import { UserTrainer } from './user-trainer';
import { isUserBatchModel } from '../models/types';
import type { TrainConfig } from './config';

export function createTrainer(data: TrainData, config: TrainConfig): ModelTrainer {
  const model = createModel(config.model, modelContext(data, config));
  try {
    return isUserBatchModel(model)
      ? new UserTrainer(data, config, model)
      : new Trainer(data, config, { model });
  } catch (e) {
    model.dispose();
    throw e;
  }
}
