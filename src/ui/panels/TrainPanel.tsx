import { useId } from 'react';
import { useLab, useLabState } from '../lab-context';
import { NumberField } from '../controls/NumberField';
import { TunePanel } from './TunePanel';
import { MODELS } from '../../core/models/catalog';
import { EngineReadout, EngineSelect } from './EngineControls';
import { TestFileField } from './TestFileField';

import {
  LIMITS,
  OPTIMIZERS,
  OPTIMIZER_LABELS,
  SPLITS,
  SPLIT_LABELS,
  type OptimizerName,
  type SplitName,
} from '../../core/training/config';
import type { ModelSetting } from '../../core/models/catalog';
import { effectiveFeedback, modelChoice, settingView } from './train-settings';
import { DefaultNote } from './DefaultNote';

export function TrainPanel() {
  const lab = useLab();
  const t = useLabState((s) => s.training);
  const hasData = useLabState((s) => s.dataset !== null);
  const dataKind = useLabState((s) => s.dataset?.kind ?? 'explicit');
  const hasTimestamps = useLabState((s) => !!s.dataset?.timestamp);
  const id = useId();
  const c = t.config;
  const busy = t.status === 'running' || t.status === 'paused';
  const model = MODELS.find((m) => m.name === c.model);
  // Implicit feedback: forced by implicit-only models and by data without ratings.
  const canChoose = !!model && model.kinds.includes('implicit') && model.kinds.includes('explicit');
  const feedback = effectiveFeedback(model, dataKind, c.feedback);
  const view = (key: ModelSetting) => settingView(model, key, feedback, hasTimestamps);
  const num = (key: keyof typeof LIMITS & ModelSetting, label: string) =>
    view(key).shown && (
      <NumberField
        label={label}
        value={c[key]}
        {...LIMITS[key]}
        disabled={busy || view(key).disabled}
        onChange={(v) => lab.setConfig({ [key]: v })}
      />
    );
  const plain = (key: keyof typeof LIMITS, label: string) => (
    <NumberField
      label={label}
      value={c[key]}
      {...LIMITS[key]}
      disabled={busy}
      onChange={(v) => lab.setConfig({ [key]: v })}
    />
  );
  return (
    <section className="panel" aria-labelledby="train-heading">
      <h2 id="train-heading">Model and training</h2>
      <div className="field">
        <label htmlFor={`${id}-model`}>Model</label>
        <select
          id={`${id}-model`}
          value={c.model}
          disabled={busy}
          onChange={(e) => {
            const chosen = MODELS.find((m) => m.name === e.target.value);
            lab.setConfig(chosen ? modelChoice(chosen, dataKind) : { model: e.target.value });
          }}
        >
          {MODELS.map((m) => (
            <option key={m.name} value={m.name}>
              {m.label}
            </option>
          ))}
        </select>
      </div>
      <DefaultNote busy={busy} />
      {model && (
        <p className="muted small" data-testid="model-description">
          {model.description} <span className="badge">{model.kinds.join(' or ')}</span>
        </p>
      )}
      {model?.fitted && (
        <p className="muted small">Fitted in one pass: it has no training settings.</p>
      )}
      <div className="grid2">
        {canChoose && (
          <div className="field">
            <label htmlFor={`${id}-feedback`}>Feedback</label>
            <select
              id={`${id}-feedback`}
              value={feedback}
              disabled={busy || dataKind === 'implicit'}
              onChange={(e) => {
                const next = e.target.value as 'explicit' | 'implicit';
                // Each feedback has its own measured defaults (e.g. the hybrid's L2).
                lab.setConfig({
                  feedback: next,
                  ...model?.defaults,
                  ...(next === 'implicit' ? model?.implicitDefaults : {}),
                });
              }}
            >
              <option value="explicit">Explicit (ratings)</option>
              <option value="implicit">Implicit (ranking)</option>
            </select>
          </div>
        )}
        {feedback === 'implicit' && dataKind === 'explicit' && (
          <NumberField
            label="Implicit: ratings ≥ (0: all)"
            value={c.binarizeAt}
            {...LIMITS.binarizeAt}
            disabled={busy}
            onChange={(v) => lab.setConfig({ binarizeAt: v })}
          />
        )}
        {num('dim', 'Embedding dimension')}
        {num('hidden', 'Hidden units')}
        {num('epochs', 'Epochs')}
        {num('learningRate', 'Learning rate')}
        {num('l2', 'L2 regularisation')}
        {view('negatives').shown && (
          <div className="field">
            <label htmlFor={`${id}-negatives`}>Negatives (pairwise)</label>
            <select
              id={`${id}-negatives`}
              value={c.negatives}
              disabled={busy}
              onChange={(e) =>
                lab.setConfig({ negatives: e.target.value as 'uniform' | 'popularity' })
              }
            >
              <option value="uniform">Uniform</option>
              <option value="popularity">By popularity</option>
            </select>
          </div>
        )}
        {view('softmax').shown && (
          <div className="field">
            <label htmlFor={`${id}-softmax`}>Softmax</label>
            <select
              id={`${id}-softmax`}
              value={c.softmax}
              disabled={busy}
              title="The training softmax; Recall@K and the other ranking metrics always cover the whole catalogue"
              onChange={(e) =>
                lab.setConfig({ softmax: e.target.value as 'auto' | 'full' | 'sampled' })
              }
            >
              <option value="auto">Automatic (sampled above 20,000 items)</option>
              <option value="full">Full (every item)</option>
              <option value="sampled">Sampled (logQ-corrected)</option>
            </select>
          </div>
        )}
        {c.softmax !== 'full' && num('sampledNegatives', 'Sampled negatives')}
        {view('dayBias').shown && (
          <label
            className="check"
            title="timeSVD++'s b(u,t): a bias for each day a user rated on (needs dates and ratings)"
          >
            <input
              type="checkbox"
              checked={c.dayBias}
              disabled={busy}
              onChange={(e) => lab.setConfig({ dayBias: e.target.checked })}
            />
            Bias per user-day
          </label>
        )}
        {!model?.fitted && <EngineSelect disabled={busy} />}
      </div>
      <fieldset className="protocol">
        <legend>Evaluation</legend>
        <div className="grid2">
          <div className="field">
            <label htmlFor={`${id}-split`}>Split</label>
            <select
              id={`${id}-split`}
              value={c.split}
              disabled={busy}
              onChange={(e) => lab.setConfig({ split: e.target.value as SplitName })}
            >
              {SPLITS.map((s) => (
                <option key={s} value={s} disabled={s === 'temporal' && !hasTimestamps}>
                  {SPLIT_LABELS[s]}
                  {s === 'temporal' && !hasTimestamps ? ' (needs timestamps)' : ''}
                </option>
              ))}
            </select>
          </div>
          <NumberField
            label="Test fraction"
            value={c.testFraction}
            {...LIMITS.testFraction}
            disabled={busy || c.split === 'test-file'}
            onChange={(v) => lab.setConfig({ testFraction: v })}
          />
          {plain('validationFraction', 'Validation fraction')}
          {plain('folds', 'Folds')}
        </div>
        {c.split === 'test-file' && <TestFileField disabled={busy} />}
      </fieldset>
      <details className="advanced">
        <summary>Advanced</summary>
        <div className="grid2">
          {view('optimizer').shown && (
            <div className="field">
              <label htmlFor={`${id}-opt`}>Optimizer</label>
              <select
                id={`${id}-opt`}
                value={c.optimizer}
                disabled={busy}
                onChange={(e) => lab.setConfig({ optimizer: e.target.value as OptimizerName })}
              >
                {OPTIMIZERS.map((o) => (
                  <option key={o} value={o}>
                    {OPTIMIZER_LABELS[o]}
                  </option>
                ))}
              </select>
            </div>
          )}
          {num('batchSize', 'Batch size')}
          {num('patience', 'Early stop after (epochs; 0: off)')}
          {plain('seed', 'Seed')}
          {plain('projectEvery', 'Re-project every (epochs; 0: at the end)')}
        </div>
      </details>
      {!hasData && (
        <p className="muted small">Load data (the Data panel) to train: the settings wait here.</p>
      )}
      <TunePanel />
      <div className="train-status">
        <EngineReadout />
        {t.renderer && <p className="muted small">GPU: {t.renderer}</p>}
        {t.fallbackReason && (
          <p className="warning" role="status">
            {t.fallbackReason}
          </p>
        )}
        {t.error && (
          <p className="error" role="alert">
            {t.error}
          </p>
        )}
      </div>
    </section>
  );
}
