/**
 * Which training settings the panel shows for a model, derived from the catalogue's `settings`
 * (what the model reads) and the feedback it trains on, so that a new model needs no edit here.
 */
import type { ModelInfo, ModelSetting } from '../../core/models/catalog';
import type { TrainConfig } from '../../core/training/config';

export type Feedback = 'explicit' | 'implicit';

/** Settings that fold under "Advanced": they tune a run rather than define the model. */
export const ADVANCED: readonly ModelSetting[] = ['optimizer', 'batchSize', 'patience'];

/**
 * Settings named in the automation contract ("Embedding dimension", "Epochs") stay in the page
 * for every model, disabled where the model ignores them, so a script can always find them.
 */
export const ALWAYS_PRESENT: readonly ModelSetting[] = ['dim', 'epochs'];

export interface SettingView {
  shown: boolean;
  disabled: boolean;
}

/**
 * How the panel shows `key` for `model` trained on `feedback`: hidden when the model does not
 * read it (negatives only for implicit, a day bias only for explicit data with dates), or kept
 * disabled when the contract needs it present.
 */
export function settingView(
  model: ModelInfo | undefined,
  key: ModelSetting,
  feedback: Feedback,
  hasTimestamps: boolean,
): SettingView {
  if (!model) return { shown: true, disabled: false };
  let used = model.settings.includes(key);
  if (key === 'negatives') used &&= feedback === 'implicit';
  if (key === 'dayBias') used &&= feedback === 'explicit' && hasTimestamps;
  if (used) return { shown: true, disabled: false };
  return ALWAYS_PRESENT.includes(key)
    ? { shown: true, disabled: true }
    : { shown: false, disabled: true };
}

/**
 * The feedback a run of `model` gets: forced by implicit-only models and by data without
 * ratings, else the person's choice.
 */
export function effectiveFeedback(
  model: ModelInfo | undefined,
  dataKind: Feedback,
  chosen: Feedback,
): Feedback {
  if (!model || !model.kinds.includes('implicit')) return 'explicit';
  if (dataKind === 'implicit' || !model.kinds.includes('explicit')) return 'implicit';
  return chosen;
}

/**
 * The settings a model choice sets: the model's measured defaults, and the feedback and negatives
 * they were measured with, so a setting of the model chosen before (e.g. the map-first default's
 * implicit feedback and popularity negatives) never carries over to a model it was not measured
 * for. A model that reads both feedbacks trains on ratings when the data has them, unless its
 * defaults say otherwise.
 */
export function modelChoice(chosen: ModelInfo, dataKind: Feedback): Partial<TrainConfig> {
  const implicit =
    !chosen.kinds.includes('explicit') ||
    (chosen.kinds.includes('implicit') &&
      (dataKind === 'implicit' || chosen.defaults.feedback === 'implicit'));
  return {
    model: chosen.name,
    negatives: 'uniform',
    ...chosen.defaults,
    feedback: implicit ? 'implicit' : 'explicit',
    ...(implicit ? chosen.implicitDefaults : {}),
  };
}
