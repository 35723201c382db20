import { useLab, useLabState } from '../lab-context';
import { ProgressBar } from '../controls/ProgressBar';
import { fmtDuration, fmtRate } from '../format';
import { Sparkline } from './Sparkline';

const ENGINE_NAMES: Record<string, string> = {
  webgl: 'WebGL',
  webgpu: 'WebGPU',
  'cpu-parallel': 'parallel CPU',
  cpu: 'CPU',
};

/**
 * The run's controls and state over the map, so that Train, the progress and the live curve
 * are in view whatever the side panels scroll to: status, epoch, throughput, engine and the
 * held-out metric (or the loss before the first evaluation) as a sparkline.
 */
export function StatusOverlay() {
  const lab = useLab();
  const t = useLabState((s) => s.training);
  const engine = useLabState((s) => s.engine.engine);
  const calibrating = useLabState((s) => s.engine.calibrating);
  const hasData = useLabState((s) => s.dataset !== null);
  const loading = useLabState((s) => s.datasetStatus === 'loading');
  const busy = t.status === 'running' || t.status === 'paused';
  // Before any run, the epochs the settings ask for; then the run's.
  const total = t.status === 'idle' && !t.history.length ? t.config.epochs : t.epochsTotal;
  const metric = liveMetric(t.history);
  const curve = metric ? metric.points : t.lossCurve.map((p) => p.loss);
  return (
    <div className="status-overlay" aria-label="Training status" role="region">
      <div className="row status-actions">
        {!busy && (
          <button
            type="button"
            className="primary"
            disabled={!hasData}
            title={hasData ? 'Train the model (T)' : 'Load data first'}
            onClick={() => lab.train()}
          >
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
        <span className="status-line" data-testid="status-line" aria-live="polite">
          <span data-testid="training-status" className={`status-word ${t.status}`}>
            {!hasData && loading ? 'loading data…' : !hasData ? 'no data' : t.status}
          </span>
          {' · '}epoch {t.epoch.toFixed(busy ? 1 : 0)} / {total}
          {t.folds && ` · fold ${Math.min(t.folds.reports.length + (busy ? 1 : 0), t.folds.k)}`}
        </span>
      </div>
      <ProgressBar value={total ? t.epoch / total : 0} label="Training progress" />
      <div className="status-facts small">
        {t.rowsPerSecond !== null && (
          <span title="recent training throughput">{fmtRate(t.rowsPerSecond)}</span>
        )}
        {busy && <span title="time left">ETA {fmtDuration(t.etaSeconds)}</span>}
        <span title="training engine (tfjs backend)">
          {calibrating && !busy
            ? 'engine: measuring…'
            : engine
              ? `engine: ${ENGINE_NAMES[engine]}`
              : 'engine: chosen when training starts'}{' '}
          (tfjs {t.backend ?? 'starting…'})
        </span>
      </div>
      <Sparkline
        values={curve}
        label={metric ? metric.name : 'training loss'}
        format={(v) => v.toFixed(metric?.name === 'RMSE' ? 3 : 4)}
      />
      {t.error && (
        // The Model and training panel announces it (role alert); here it is only shown.
        <p className="error small status-error" title={t.error}>
          {t.error}
        </p>
      )}
    </div>
  );
}

/** The held-out metric of the run so far: RMSE for a rating model, Recall@K for a ranker. */
function liveMetric(
  history: { rmse?: number; recallAtK?: number; k?: number }[],
): { name: string; points: number[] } | null {
  const rmse = history.flatMap((h) => (h.rmse == null ? [] : [h.rmse]));
  if (rmse.length) return { name: 'RMSE', points: rmse };
  const recall = history.flatMap((h) => (h.recallAtK == null ? [] : [h.recallAtK]));
  if (recall.length) return { name: `Recall@${history.at(-1)?.k ?? 20}`, points: recall };
  return null;
}
