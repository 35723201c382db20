/**
 * The training engine: a select (CONTRACT: "Engine", "Automatic" first) and, once a run has
 * started, the engine in use with each candidate's measured rows a second and why others were
 * not taken.
 */
import { useId } from 'react';
import { useLab, useLabState } from '../lab-context';
import { fmtRate } from '../format';
import type { EnginePreference } from '../../core/engines/types';

const LABELS: Record<EnginePreference, string> = {
  auto: 'Automatic',
  webgl: 'WebGL (tfjs)',
  webgpu: 'WebGPU (tfjs)',
  'cpu-parallel': 'Parallel CPU',
  cpu: 'CPU (tfjs)',
};

/**
 * The choices: Automatic, then every engine. One that cannot run here (no WebGPU adapter, no
 * kernel for the model) is not hidden: choosing it trains on the first engine that can, and the
 * readout says why.
 */
const CHOICES: EnginePreference[] = ['auto', 'webgl', 'webgpu', 'cpu', 'cpu-parallel'];

export function EngineSelect({ disabled }: { disabled: boolean }) {
  const lab = useLab();
  const id = useId();
  const preference = useLabState((s) => s.engine.preference);
  const calibrating = useLabState((s) => s.engine.calibrating);
  const hasData = useLabState((s) => s.dataset !== null);
  return (
    <div className="field span2">
      <label htmlFor={`${id}-engine`}>Engine</label>
      <div className="row">
        <select
          id={`${id}-engine`}
          value={preference}
          disabled={disabled}
          onChange={(e) => lab.setEngine(e.target.value as EnginePreference)}
        >
          {CHOICES.map((c) => (
            <option key={c} value={c}>
              {LABELS[c]}
            </option>
          ))}
        </select>
        {/* Measures every engine again now (the worker keeps a case's measurements otherwise). */}
        <button
          type="button"
          disabled={disabled || calibrating || !hasData}
          aria-busy={calibrating}
          title="Measure each engine's rows a second again for this model and data"
          onClick={() => lab.recalibrate()}
        >
          Recalibrate
        </button>
      </div>
      {calibrating && <span className="muted small">Measuring the engines…</span>}
    </div>
  );
}

export function EngineReadout() {
  const { engine, engines } = useLabState((s) => s.engine);
  if (!engine) return null;
  return (
    <div className="engine-readout" data-testid="engine-readout">
      <p className="small">
        Engine: <span className="badge ok">{LABELS[engine]}</span>
      </p>
      <ul className="muted small">
        {engines.map((e) => (
          <li key={e.engine}>
            {LABELS[e.engine]}:{' '}
            {e.rowsPerSecond === null ? 'not measured' : fmtRate(e.rowsPerSecond)}
            {e.chosen ? ' (chosen)' : ''}
            {e.reason ? ` — ${e.reason}` : ''}
          </li>
        ))}
      </ul>
    </div>
  );
}
