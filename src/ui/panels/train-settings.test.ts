import { describe, expect, it } from 'vitest';
import { modelInfo, MODELS } from '../../core/models/catalog';
import { effectiveFeedback, modelChoice, settingView } from './train-settings';
import { validateConfig } from '../../core/training/config';
import { isMapFirst, MAP_FIRST_CONFIG } from '../../core/training/map-default';

const shown = (name: string, key: Parameters<typeof settingView>[1], fb = 'explicit' as const) =>
  settingView(modelInfo(name), key, fb, true).shown;

describe('settingView', () => {
  it('shows hidden units only for models with a hidden layer', () => {
    expect(shown('biased-mf', 'hidden')).toBe(false);
    expect(shown('autorec', 'hidden')).toBe(true);
    expect(shown('youtube-dnn', 'hidden', 'implicit' as never)).toBe(true);
  });

  it('shows negatives only for implicit feedback, a day bias only for explicit data with dates', () => {
    expect(settingView(modelInfo('bpr'), 'negatives', 'implicit', true).shown).toBe(true);
    expect(settingView(modelInfo('fm'), 'negatives', 'explicit', true).shown).toBe(false);
    expect(settingView(modelInfo('fm'), 'dayBias', 'explicit', true).shown).toBe(true);
    expect(settingView(modelInfo('fm'), 'dayBias', 'explicit', false).shown).toBe(false);
    expect(settingView(modelInfo('fm'), 'dayBias', 'implicit', true).shown).toBe(false);
  });

  it('keeps the contract’s settings present but disabled where the model ignores them', () => {
    expect(settingView(modelInfo('popularity'), 'epochs', 'implicit', true)).toEqual({
      shown: true,
      disabled: true,
    });
    expect(settingView(modelInfo('autorec'), 'dim', 'implicit', true).disabled).toBe(true);
    expect(settingView(modelInfo('baseline'), 'learningRate', 'explicit', true).shown).toBe(false);
  });

  it('shows every setting a model reads', () => {
    for (const m of MODELS)
      for (const key of m.settings) {
        const fb = m.kinds.includes('explicit') ? 'explicit' : 'implicit';
        if (key === 'negatives' || key === 'dayBias') continue;
        expect(settingView(m, key, fb, true), `${m.name} ${key}`).toEqual({
          shown: true,
          disabled: false,
        });
      }
  });
});

describe('effectiveFeedback', () => {
  it('follows the model and the data before the person’s choice', () => {
    expect(effectiveFeedback(modelInfo('biased-mf'), 'explicit', 'implicit')).toBe('explicit');
    expect(effectiveFeedback(modelInfo('bpr'), 'explicit', 'explicit')).toBe('implicit');
    expect(effectiveFeedback(modelInfo('fm'), 'implicit', 'explicit')).toBe('implicit');
    expect(effectiveFeedback(modelInfo('fm'), 'explicit', 'implicit')).toBe('implicit');
    expect(effectiveFeedback(modelInfo('fm'), 'explicit', 'explicit')).toBe('explicit');
  });
});

describe('modelChoice', () => {
  const info = (name: string) => MODELS.find((m) => m.name === name)!;
  it("sets the model's defaults with the feedback and negatives they were measured with", () => {
    // From the map-first default (implicit, popularity negatives) to the rating model.
    expect(modelChoice(info('biased-mf'), 'explicit')).toMatchObject({
      model: 'biased-mf',
      feedback: 'explicit',
      negatives: 'uniform',
      l2: 0.15,
    });
    // The hybrid on ratings by default; on implicit data, with its implicit L2.
    expect(modelChoice(info('hybrid'), 'explicit')).toMatchObject({
      feedback: 'explicit',
      l2: 0.119,
      dim: 128,
    });
    expect(modelChoice(info('hybrid'), 'implicit')).toMatchObject({
      feedback: 'implicit',
      l2: 0.01,
      dim: 32,
    });
    expect(modelChoice(info('bpr'), 'explicit').feedback).toBe('implicit');
  });
});

describe('the map-first default', () => {
  const info = (name: string) => MODELS.find((m) => m.name === name)!;
  it('is a valid run of a model that ranks, recognised as the default', () => {
    expect(validateConfig(MAP_FIRST_CONFIG)).toEqual([]);
    expect(info(MAP_FIRST_CONFIG.model).kinds).toContain('implicit');
    expect(isMapFirst(MAP_FIRST_CONFIG)).toBe(true);
    expect(isMapFirst({ ...MAP_FIRST_CONFIG, ...modelChoice(info('hybrid'), 'explicit') })).toBe(
      false,
    );
  });
});
