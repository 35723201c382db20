import { useId } from 'react';
import { useLab, useLabState } from '../lab-context';
import { NumberField } from '../controls/NumberField';
import { ProgressBar } from '../controls/ProgressBar';
import { fmtDuration, fmtRate } from '../format';
import { MODELS } from '../../core/models/catalog';

import {
  LIMITS,
  OPTIMIZERS,
  OPTIMIZER_LABELS,
  type OptimizerName,
} from '../../core/training/config';

export function TrainPanel() {
  const lab = useLab();
  const t = useLabState((s) => s.training);
  const hasData = useLabState((s) => s.dataset !== null);
  const id = useId();
  const c = t.config;
  const busy = t.status === 'running' || t.status === 'paused';
  const model = MODELS.find((m) => m.name === c.model);
  const num = (key: keyof typeof LIMITS, label: string) => (
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
            lab.setConfig({ model: e.target.value, ...chosen?.defaults });
          }}
        >
          {MODELS.map((m) => (
            <option key={m.name} value={m.name}>
              {m.label}
            </option>
          ))}
        </select>
      </div>
      {model && <p className="muted small">{model.description}</p>}
      <div className="grid2">
        {num('dim', 'Embedding dimension')}
        {num('epochs', 'Epochs')}
        {num('batchSize', 'Batch size')}
        {num('learningRate', 'Learning rate')}
        {num('l2', 'L2 regularisation')}
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
        {num('testFraction', 'Held-out fraction')}
        {num('seed', 'Seed')}
        {num('projectEvery', 'Re-project every (epochs; 0: at the end)')}
      </div>
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
