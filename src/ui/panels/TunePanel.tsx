import { useId } from 'react';
import { useLab, useLabState } from '../lab-context';
import { NumberField } from '../controls/NumberField';
import { ProgressBar } from '../controls/ProgressBar';
import { fmtNum } from '../format';
import type { TuneMethod, TunedSettings } from '../../core/training/tuning';

const METHODS: Record<TuneMethod, string> = {
  halving: 'Successive halving',
  random: 'Random search',
};

/**
 * "Tune": a search over the model's learning rate, L2 and size on the validation part, every
 * trial a row in the runs table, and the best settings offered to apply.
 */
export function TunePanel() {
  const lab = useLab();
  const id = useId();
  const t = useLabState((s) => s.training);
  const hasData = useLabState((s) => s.dataset !== null);
  const busy = t.status === 'running' || t.status === 'paused';
  const b = t.tuneBudget;
  const tuning = t.tuning;
  const ratings = t.predictsRatings !== false;
  const noValidation = !(t.config.validationFraction > 0);
  return (
    <fieldset className="tune">
      <legend>Tuning on the validation part</legend>
      <p className="muted small">
        Successive halving: many short trials, the best third continue with 3x the epochs. Random
        search: every trial the full epochs.
      </p>
      <div className="tune-fields">
        <div className="field">
          <label htmlFor={`${id}-method`}>Tuning method</label>
          <select
            id={`${id}-method`}
            value={b.method}
            disabled={busy}
            onChange={(e) => lab.setTuneBudget({ method: e.target.value as TuneMethod })}
          >
            {(Object.keys(METHODS) as TuneMethod[]).map((m) => (
              <option key={m} value={m}>
                {METHODS[m]}
              </option>
            ))}
          </select>
        </div>
        <NumberField
          label="Trials"
          value={b.trials}
          min={2}
          max={81}
          step={1}
          integer
          disabled={busy}
          onChange={(trials) => lab.setTuneBudget({ trials })}
        />
        <NumberField
          label="Budget (minutes; 0: none)"
          value={b.minutes}
          min={0}
          max={600}
          step={0.5}
          disabled={busy}
          onChange={(minutes) => lab.setTuneBudget({ minutes })}
        />
      </div>
      {!busy && (
        <button
          type="button"
          disabled={!hasData || noValidation}
          title={noValidation ? 'Tuning needs a validation part' : undefined}
          onClick={() => lab.tune()}
        >
          Tune
        </button>
      )}
      {noValidation && <p className="muted small">Set a validation fraction to tune.</p>}
      {tuning && (
        <div aria-live="polite">
          <ProgressBar
            value={tuning.total ? tuning.done / tuning.total : 0}
            label="Tuning progress"
          />
          <p className="small">
            {tuning.status === 'running'
              ? `Trial ${tuning.done + 1} of ${tuning.total || '…'}` +
                (tuning.trial ? ` (rung ${tuning.trial.rung + 1}, ${t.epochsTotal} epochs)` : '')
              : `${tuning.done} trials ${tuning.status === 'stopped' ? 'before the search was stopped' : 'done'}`}
          </p>
          {tuning.best && (
            <p className="tune-best">
              Best on validation: {describe(tuning.best.trial.settings)},{' '}
              {tuning.best.config.epochs} epochs ({ratings ? 'RMSE' : 'Recall@20'}{' '}
              {fmtNum(ratings ? -tuning.best.score : tuning.best.score)}, trial #
              {tuning.best.trial.id}){' '}
              {!busy && (
                <button type="button" onClick={() => lab.applyTuned()}>
                  Apply best settings
                </button>
              )}
            </p>
          )}
        </div>
      )}
    </fieldset>
  );
}

function describe(s: TunedSettings): string {
  return [
    s.learningRate !== undefined && `learning rate ${s.learningRate}`,
    s.l2 !== undefined && `L2 ${s.l2}`,
    s.dim !== undefined && `dimension ${s.dim}`,
    s.hidden !== undefined && `hidden ${s.hidden}`,
  ]
    .filter(Boolean)
    .join(', ');
}
