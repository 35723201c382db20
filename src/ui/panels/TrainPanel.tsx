import { useId } from 'react';
import { useLab, useLabState } from '../lab-context';
import { NumberField } from '../controls/NumberField';
import { ProgressBar } from '../controls/ProgressBar';
import { TunePanel } from './TunePanel';
import { fmtDuration, fmtRate } from '../format';
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
  /** Settings the chosen model does not read stay visible (the layout holds) but disabled. */
  const unused = (key: string) =>
    !!model && key in SETTING_KEYS && !model.settings.includes(key as ModelSetting);
  const num = (key: keyof typeof LIMITS, label: string) => (
    <NumberField
      label={label}
      value={c[key]}
      {...LIMITS[key]}
      disabled={busy || unused(key)}
      onChange={(v) => lab.setConfig({ [key]: v })}
    />
  );
  // Implicit feedback: forced by implicit-only models and by data without ratings.
  const canChoose = !!model && model.kinds.includes('implicit') && model.kinds.includes('explicit');
  const feedback =
    !model || !model.kinds.includes('implicit')
      ? 'explicit'
      : dataKind === 'implicit' || !model.kinds.includes('explicit')
        ? 'implicit'
        : c.feedback;
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
            const implicit =
              !!chosen &&
              (!chosen.kinds.includes('explicit') ||
                (chosen.kinds.includes('implicit') &&
                  (dataKind === 'implicit' || chosen.defaults.feedback === 'implicit')));
            lab.setConfig({
              model: e.target.value,
              ...chosen?.defaults,
              ...(implicit ? chosen?.implicitDefaults : {}),
            });
          }}
        >
          {MODELS.map((m) => (
            <option key={m.name} value={m.name}>
              {m.label}
            </option>
          ))}
        </select>
      </div>
      {model && (
        <p className="muted small" data-testid="model-description">
          {model.description} <span className="badge">{model.kinds.join(' or ')}</span>
        </p>
      )}
      <div className="grid2">
        <div className="field">
          <label htmlFor={`${id}-feedback`}>Feedback</label>
          <select
            id={`${id}-feedback`}
            value={feedback}
            disabled={busy || !canChoose || dataKind === 'implicit'}
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
        <NumberField
          label="Implicit: ratings ≥ (0: all)"
          value={c.binarizeAt}
          {...LIMITS.binarizeAt}
          disabled={busy || feedback !== 'implicit' || dataKind === 'implicit'}
          onChange={(v) => lab.setConfig({ binarizeAt: v })}
        />
        {num('dim', 'Embedding dimension')}
        {num('hidden', 'Hidden units')}
        {num('epochs', 'Epochs')}
        {num('batchSize', 'Batch size')}
        {num('learningRate', 'Learning rate')}
        {num('l2', 'L2 regularisation')}
        <EngineSelect disabled={busy} />
        <div className="field">
          <label htmlFor={`${id}-opt`}>Optimizer</label>
          <select
            id={`${id}-opt`}
            value={c.optimizer}
            disabled={busy || unused('optimizer')}
            onChange={(e) => lab.setConfig({ optimizer: e.target.value as OptimizerName })}
          >
            {OPTIMIZERS.map((o) => (
              <option key={o} value={o}>
                {OPTIMIZER_LABELS[o]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-negatives`}>Negatives (pairwise)</label>
          <select
            id={`${id}-negatives`}
            value={c.negatives}
            disabled={busy || unused('negatives') || feedback !== 'implicit'}
            onChange={(e) =>
              lab.setConfig({ negatives: e.target.value as 'uniform' | 'popularity' })
            }
          >
            <option value="uniform">Uniform</option>
            <option value="popularity">By popularity</option>
          </select>
        </div>
        <label
          className="check"
          title="timeSVD++'s b(u,t): a bias for each day a user rated on (needs dates and ratings)"
        >
          <input
            type="checkbox"
            checked={c.dayBias}
            disabled={busy || unused('dayBias') || feedback !== 'explicit' || !hasTimestamps}
            onChange={(e) => lab.setConfig({ dayBias: e.target.checked })}
          />
          Bias per user-day
        </label>
        {num('patience', 'Early stop after (epochs; 0: off)')}
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
        {num('validationFraction', 'Validation fraction')}
        {num('folds', 'Folds')}
        {num('seed', 'Seed')}
        {num('projectEvery', 'Re-project every (epochs; 0: at the end)')}
      </div>
      {c.split === 'test-file' && <TestFileField disabled={busy} />}
      <div className="row buttons">
        {!busy && (
          <button type="button" className="primary" disabled={!hasData} onClick={() => lab.train()}>
            Train
          </button>
        )}
        {t.status === 'running' && (
          <button type="button" onClick={() => lab.pause()}>
            Pause
          </button>
        )}
        {t.status === 'paused' && (
          <button type="button" className="primary" onClick={() => lab.resume()}>
            Resume
          </button>
        )}
        {busy && (
          <button type="button" className="danger" onClick={() => lab.stop()}>
            Stop
          </button>
        )}
      </div>
      <TunePanel />
      <div className="train-status" aria-live="polite">
        <ProgressBar
          value={t.epochsTotal ? t.epoch / t.epochsTotal : 0}
          label="Training progress"
        />
        <dl className="stats">
          <dt>Status</dt>
          <dd data-testid="training-status">{t.status}</dd>
          <dt>Epoch</dt>
          <dd>
            {t.epoch.toFixed(2)} / {t.epochsTotal}
          </dd>
          {t.folds && (
            <>
              <dt>Fold</dt>
              <dd>
                {Math.min(t.folds.reports.length + (busy ? 1 : 0), t.folds.k)} / {t.folds.k}
              </dd>
            </>
          )}
          <dt>Throughput</dt>
          <dd>{fmtRate(t.rowsPerSecond)}</dd>
          <dt>ETA</dt>
          <dd>{busy ? fmtDuration(t.etaSeconds) : '–'}</dd>
          <dt>Backend</dt>
          <dd>
            <span className={`badge ${t.backend === 'webgl' ? 'ok' : 'warn'}`}>
              {t.backend ?? 'starting…'}
            </span>
          </dd>
        </dl>
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

/** Config keys a model may or may not read (the rest apply to every run). */
const SETTING_KEYS: Record<ModelSetting, true> = {
  dim: true,
  hidden: true,
  learningRate: true,
  l2: true,
  optimizer: true,
  batchSize: true,
  epochs: true,
  patience: true,
  negatives: true,
  dayBias: true,
};
