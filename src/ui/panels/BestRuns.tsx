import { useLabState } from '../lab-context';
import { bestAt } from '../../state/best-runs';
import { fmtNum } from '../format';

/**
 * One line per criterion naming the run that leads it on the loaded data, so a person sees that
 * the model with the best map need not be the one with the best RMSE. Shown from two runs on.
 */
export function BestRuns() {
  const runs = useLabState((s) => s.runs);
  const dataset = useLabState((s) => s.dataset?.name);
  if (!dataset) return null;
  const best = bestAt(runs, dataset);
  if (runs.filter((r) => r.dataset === dataset).length < 2 || best.length === 0) return null;
  return (
    <div className="best-runs" aria-label="Best run at each criterion">
      <span className="muted">Best so far on this data:</span>
      <ul>
        {best.map((b) => (
          <li key={b.what}>
            {b.what}:{' '}
            <strong>
              #{b.runId} {b.model}
            </strong>
            {b.feedback === 'implicit' ? ' (implicit)' : ''} {fmtNum(b.value, 4)}
          </li>
        ))}
      </ul>
    </div>
  );
}
