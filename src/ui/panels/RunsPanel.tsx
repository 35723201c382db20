import { useLabState } from '../lab-context';
import { LineChart } from '../charts/LineChart';
import { fmtNum } from '../format';
import { MODELS } from '../../core/models/catalog';
import { SPLIT_LABELS } from '../../core/training/config';
import type { RunRecord } from '../../state/lab-state';
import type { SpaceEpoch } from '../../core/metrics/space-quality';
import { curvesCsv, runsCsv } from '../../state/export';
import { downloadText } from '../download';
import { BestRuns } from './BestRuns';

const COLORS = ['#7aa2f7', '#9ece6a', '#e0af68', '#f7768e', '#bb9af7', '#7dcfff', '#ff9e64'];
const label = (r: RunRecord) => `#${r.id} ${r.model}`;

/**
 * Every run on the current data set side by side: settings, the test metrics at the epoch
 * selected on validation, time per epoch, and the runs' validation curves on one chart per metric.
 */
export function RunsPanel() {
  const runs = useLabState((s) => s.runs);
  const curves = (metric: (h: RunRecord['history'][number]) => number | undefined) =>
    runs
      .map((r, k) => ({
        name: label(r),
        color: COLORS[k % COLORS.length],
        markers: true,
        points: r.history.flatMap((h) => {
          const y = metric(h);
          return y == null ? [] : [{ x: h.epoch, y }];
        }),
      }))
      .filter((s) => s.points.length > 0);
  const rmse = curves((h) => h.rmse);
  // The map's quality per epoch, by run (runs measured epoch by epoch only).
  const spaceCurves = (y: (p: SpaceEpoch) => number) =>
    runs
      .map((r, i) => ({
        name: label(r),
        color: COLORS[i % COLORS.length],
        markers: true,
        points: (r.spaceHistory ?? []).flatMap((p) =>
          Number.isFinite(y(p)) ? [{ x: p.epoch, y: y(p) }] : [],
        ),
      }))
      .filter((c) => c.points.length > 0);
  const genreCurves = spaceCurves((p) => p.genreAgreement);
  const overlapCurves = spaceCurves((p) => p.coOccurrenceOverlap);
  const recall = curves((h) => h.recallAtK);
  const xMax = Math.max(1, ...runs.map((r) => r.epochs));
  // The map's quality by run: one point per measured run, x = run number.
  const measured = runs.filter((r) => r.space);
  const spaceSeries = (
    [
      ['genre agreement', '#9ece6a', (q: SpaceOf) => q.genreAgreement],
      ['ItemKNN overlap', '#7aa2f7', (q: SpaceOf) => q.coOccurrenceOverlap],
      ['low-support share', '#f7768e', (q: SpaceOf) => q.lowSupportShare],
    ] as const
  ).map(([name, color, y]) => ({
    name,
    color,
    markers: true,
    points: measured.flatMap((r) =>
      r.space && Number.isFinite(y(r.space)) ? [{ x: r.id, y: y(r.space) }] : [],
    ),
  }));
  return (
    <section className="panel runs" aria-labelledby="runs-heading">
      <div className="toolbar">
        <h2 id="runs-heading">Runs</h2>
        <button
          type="button"
          disabled={runs.length === 0}
          onClick={() => downloadText('runs.csv', runsCsv(runs))}
        >
          Export runs CSV
        </button>
        <button
          type="button"
          disabled={runs.length === 0}
          onClick={() => downloadText('curves.csv', curvesCsv(runs))}
        >
          Export curves CSV
        </button>
      </div>
      {runs.length === 0 ? (
        <p className="muted">
          No runs yet. Each finished run is listed here with its settings and its test metrics,
          scored once at the epoch chosen on the validation part, so models can be compared on the
          same data and split.
        </p>
      ) : (
        <>
          <BestRuns />
          <div className="table-scroll">
            <table className="history runs-table">
              <caption className="sr-only">Runs on this data set</caption>
              <thead>
                <tr>
                  <th>#</th>
                  <th>Model</th>
                  <th>Feedback</th>
                  <th>Split</th>
                  <th>Settings</th>
                  <th>Epochs</th>
                  <th>Test RMSE</th>
                  <th>MAE</th>
                  <th>Recall@20</th>
                  <th>NDCG@10</th>
                  <th>AUC</th>
                  <th>
                    <abbr title="The epoch the test metrics are from: the best on validation, or the last when the run had no validation part">
                      Selected epoch
                    </abbr>
                  </th>
                  <th>s / epoch</th>
                  <th title="Share of an item's listed neighbours sharing a genre (items with 50+ interactions)">
                    Genre agreement
                  </th>
                  <th title="Share of an item's listed neighbours that ItemKNN (co-occurrence) also lists">
                    ItemKNN overlap
                  </th>
                  <th title="Share of listed neighbours with fewer than 5 interactions">
                    Low-support share
                  </th>
                  <th title="Share of a user's listed neighbours that UserKNN (co-occurrence) also lists (users with 50+ interactions)">
                    UserKNN overlap
                  </th>
                </tr>
              </thead>
              <tbody>
                {runs.map((r) => (
                  <tr key={r.id}>
                    <td>
                      {r.id}
                      {r.trial && (
                        <span className="muted small" title="A trial of a search (Tune)">
                          {' '}
                          trial {r.trial.id}
                          {r.trial.rung > 0 ? `, rung ${r.trial.rung + 1}` : ''}
                        </span>
                      )}
                    </td>
                    <td>{MODELS.find((m) => m.name === r.model)?.label ?? r.model}</td>
                    <td>{r.feedback}</td>
                    <td>{SPLIT_LABELS[r.config.split]}</td>
                    <td className="small">{settingsOf(r)}</td>
                    <td>
                      {r.epochs}
                      {r.status === 'stopped' ? ' (stopped)' : ''}
                    </td>
                    <td>{withSd(r.rmse, r.folds?.sd.rmse)}</td>
                    <td>{withSd(r.mae, r.folds?.sd.mae)}</td>
                    <td>{withSd(r.recall20, r.folds?.sd.recallAtK)}</td>
                    <td>{fmtNum(r.ndcg10)}</td>
                    <td>{withSd(r.auc, r.folds?.sd.auc)}</td>
                    <td>
                      {r.folds ? `per fold (${r.folds.k} folds)` : r.selectedEpoch}
                      {r.validated ? '' : ' (last; no validation)'}
                    </td>
                    <td>{r.secondsPerEpoch.toFixed(2)}</td>
                    <td>{fmtNum(r.space?.genreAgreement)}</td>
                    <td>{fmtNum(r.space?.coOccurrenceOverlap)}</td>
                    <td title={r.space && spaceSettings(r.space)}>
                      {fmtNum(r.space?.lowSupportShare)}
                    </td>
                    <td>{fmtNum(r.space?.users?.coOccurrenceOverlap)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <FoldDetails runs={runs} />
          <div className="charts">
            {rmse.length > 0 && (
              <LineChart
                title="Validation RMSE by run"
                series={rmse}
                xLabel="epoch"
                xMax={xMax}
                empty=""
              />
            )}
            {measured.length > 0 && (
              <LineChart
                title={`Map quality by run (@${measured[measured.length - 1].space!.k})`}
                series={spaceSeries}
                xLabel="run"
                xMax={Math.max(...measured.map((r) => r.id))}
                empty=""
              />
            )}
            {genreCurves.length > 0 && (
              <LineChart
                title="Genre agreement per epoch by run"
                series={genreCurves}
                xLabel="epoch"
                xMax={xMax}
                empty=""
              />
            )}
            {overlapCurves.length > 0 && (
              <LineChart
                title="ItemKNN overlap per epoch by run"
                series={overlapCurves}
                xLabel="epoch"
                xMax={xMax}
                empty=""
              />
            )}
            {recall.length > 0 && (
              <LineChart
                title="Validation Recall@20 by run"
                series={recall}
                xLabel="epoch"
                xMax={xMax}
                empty=""
              />
            )}
          </div>
        </>
      )}
    </section>
  );
}

type SpaceOf = NonNullable<RunRecord['space']>;

function spaceSettings(q: SpaceOf): string {
  return `${q.metric}, k ${q.k}, minimum support ${q.minSupport}`;
}

function settingsOf(r: RunRecord): string {
  const info = MODELS.find((m) => m.name === r.model);
  if (info?.fitted) return 'fitted';
  const c = r.config;
  const parts = [
    `dim ${c.dim}`,
    `lr ${c.learningRate}`,
    `L2 ${c.l2}`,
    c.optimizer,
    `batch ${c.batchSize}`,
  ];
  if (info?.settings.includes('hidden')) parts.push(`hidden ${c.hidden}`);
  if (r.userDays) parts.push('user-day bias');
  if (r.feedback === 'implicit' && c.binarizeAt > 0) parts.push(`ratings ≥ ${c.binarizeAt}`);
  return parts.join(', ');
}

/** "0.8712 ± 0.0041" for a k-fold run's mean, else the value alone. */
function withSd(value: number | null | undefined, sd: number | undefined): string {
  return sd === undefined ? fmtNum(value) : `${fmtNum(value)} ± ${fmtNum(sd)}`;
}

/** Each k-fold run's folds, one row each, on demand. */
function FoldDetails({ runs }: { runs: RunRecord[] }) {
  const cv = runs.filter((r) => r.folds);
  if (!cv.length) return null;
  return (
    <details className="fold-details">
      <summary>Per-fold results</summary>
      <table className="history">
        <caption className="sr-only">Each fold of the cross-validated runs</caption>
        <thead>
          <tr>
            <th>Run</th>
            <th>Fold</th>
            <th>Selected epoch</th>
            <th>Test rows</th>
            <th>RMSE</th>
            <th>MAE</th>
            <th>Recall@20</th>
            <th>AUC</th>
          </tr>
        </thead>
        <tbody>
          {cv.flatMap((r) =>
            r.folds!.reports.map((f, k) => (
              <tr key={`${r.id}-${k}`}>
                <td>#{r.id}</td>
                <td>
                  {k + 1} / {r.folds!.k}
                </td>
                <td>{f.epoch}</td>
                <td>{f.rows.toLocaleString()}</td>
                <td>{fmtNum(f.rmse)}</td>
                <td>{fmtNum(f.mae)}</td>
                <td>{fmtNum(f.recallAtK)}</td>
                <td>{fmtNum(f.auc)}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </details>
  );
}
