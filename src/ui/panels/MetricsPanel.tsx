import { useLabState } from '../lab-context';
import { LineChart } from '../charts/LineChart';
import { fmtNum } from '../format';
import { SpaceCurve } from './SpaceCurve';
import { rankingSample } from '../../core/training/ranking-sample';
import type { RunSetup } from '../../worker/training/protocol';

export function MetricsPanel() {
  const t = useLabState((s) => s.training);
  const loss = t.lossCurve.map((p) => ({ x: p.epoch, y: p.loss }));
  const rmse = t.history.filter((h) => h.rmse != null).map((h) => ({ x: h.epoch, y: h.rmse! }));
  const mae = t.history.filter((h) => h.mae != null).map((h) => ({ x: h.epoch, y: h.mae! }));
  const recall = t.history
    .filter((h) => h.recallAtK != null)
    .map((h) => ({ x: h.epoch, y: h.recallAtK! }));
  const ndcg = t.history
    .filter((h) => h.ranking != null)
    .map((h) => ({ x: h.epoch, y: h.ranking!.ndcg10 }));
  const test = t.test;
  // The curves are on the validation part; the test part is one marked point, at the epoch
  // selected on validation, scored once when the run ends.
  const part = t.history.at(-1)?.split === 'test' ? 'Test' : 'Validation';
  const testPoint = (y: number | undefined, name: string, color: string) =>
    test && y !== undefined ? [{ name, color, points: [{ x: test.epoch, y }], markers: true }] : [];
  const b = t.baselines;
  const ranker = t.predictsRatings === false;
  // A ranking model is ranked every epoch; a rating model on the test part only, at the end
  // (the summary line shows that report), so its ranking chart appears only with a curve.
  const showRanking = recall.length > 1 || (ranker && recall.length > 0);
  const k = useLabState((s) => s.view.neighbours.k);
  const showSpace = t.spaceHistory.length > 0;
  const charts = 2 + (showRanking ? 1 : 0) + (showSpace ? 1 : 0);
  const lossTitle = ranker
    ? t.model === 'popularity'
      ? 'Training loss (none: counted)'
      : 'Training loss (ranking)'
    : 'Training loss (MSE)';
  return (
    <section className="panel metrics" aria-labelledby="metrics-heading">
      <h2 id="metrics-heading">Training curves</h2>
      <div className={['charts', 'charts three', 'charts four'][charts - 2]}>
        <LineChart
          title={lossTitle}
          series={[{ name: 'loss', color: '#7aa2f7', points: loss }]}
          xLabel="epoch"
          xMax={t.epochsTotal}
          empty="Train a model to see its loss"
        />
        <LineChart
          title={`${part} error`}
          series={[
            { name: 'RMSE', color: '#9ece6a', points: rmse, markers: true },
            { name: 'MAE', color: '#e0af68', points: mae, markers: true },
            ...testPoint(part === 'Validation' ? test?.rmse : undefined, 'test RMSE', '#c0caf5'),
          ]}
          refLines={
            b
              ? [
                  { name: 'global mean RMSE', color: '#f7768e', y: b.globalMean.rmse },
                  { name: 'bias-only RMSE', color: '#bb9af7', y: b.biases.rmse },
                ]
              : []
          }
          xLabel="epoch"
          xMax={t.epochsTotal}
          empty="Evaluated after each epoch"
        />
        {showRanking && (
          <LineChart
            title={`${part} ranking (all items, seen excluded)${rankingSample(t.history.at(-1)?.ranking)}`}
            series={[
              { name: 'Recall@20', color: '#7dcfff', points: recall, markers: true },
              { name: 'NDCG@10', color: '#ff9e64', points: ndcg, markers: true },
              ...testPoint(
                part === 'Validation' ? test?.recallAtK : undefined,
                'test Recall@20',
                '#c0caf5',
              ),
            ]}
            xLabel="epoch"
            xMax={t.epochsTotal}
            empty="Ranked after the last epoch"
          />
        )}
        {showSpace && <SpaceCurve points={t.spaceHistory} epochsTotal={t.epochsTotal} k={k} />}
      </div>
      <ProtocolLine />
      {test && (
        <p className="ranking-summary" aria-label="Test result">
          <strong>Test</strong> ({test.rows.toLocaleString()} rows, scored once at epoch{' '}
          {test.epoch}
          {part === 'Validation' ? ', the best on validation' : ', the last: no validation part'}
          ):
          {test.rmse !== undefined && (
            <>
              {' '}
              RMSE {fmtNum(test.rmse)} · MAE {fmtNum(test.mae)} ·
            </>
          )}
          {test.ranking && (
            <>
              {' '}
              Recall@20 {fmtNum(test.recallAtK)} · NDCG@10 {fmtNum(test.ranking.ndcg10)} ·
              Precision@10 {fmtNum(test.ranking.precision10)} · Recall@10{' '}
              {fmtNum(test.ranking.recall10)} · HitRate@10 {fmtNum(test.ranking.hitRate10)} · MAP@10{' '}
              {fmtNum(test.ranking.map10)} · MRR {fmtNum(test.ranking.mrr10)} · coverage@10{' '}
              {fmtNum(test.ranking.coverage10)}
              {test.auc !== undefined && <> · AUC {fmtNum(test.auc)}</>}
              {rankingSample(test.ranking)}
            </>
          )}
        </p>
      )}
      {t.history.length > 0 && (
        <table className="history">
          <caption className="sr-only">Per-epoch metrics</caption>
          <thead>
            <tr>
              <th>Epoch</th>
              <th>Part</th>
              <th>Train loss</th>
              <th>RMSE</th>
              <th>MAE</th>
              <th>Recall@20</th>
              <th>NDCG@10</th>
              <th>Time</th>
            </tr>
          </thead>
          <tbody>
            {t.history.map((h) => (
              <tr key={h.epoch}>
                <td>{h.epoch}</td>
                <td>{h.split}</td>
                <td>{fmtNum(h.trainLoss)}</td>
                <td>{fmtNum(h.rmse)}</td>
                <td>{fmtNum(h.mae)}</td>
                <td>{fmtNum(h.recallAtK)}</td>
                <td>{fmtNum(h.ranking?.ndcg10)}</td>
                <td>{h.seconds.toFixed(2)} s</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** How long the run took to start, and what it reused. */
function setupLine(s: RunSetup): string {
  const total = s.splitSeconds + s.engineSeconds + s.baselineSeconds;
  const split = s.reused ? 'split reused' : `split ${s.splitSeconds.toFixed(1)} s`;
  const engine = `engine ${s.engineSeconds.toFixed(1)} s${s.builtAhead ? ', built ahead' : ''}`;
  return `started in ${total.toFixed(1)} s (${split}, ${engine})`;
}

/** What the run holds out: the parts' sizes, and rows the model cannot have learned. */
function ProtocolLine() {
  const t = useLabState((s) => s.training);
  if (!t.trainRows) return null;
  return (
    <p className="muted small">
      {t.trainRows.toLocaleString()} training rows ·{' '}
      {t.validationRows
        ? `${t.validationRows.toLocaleString()} validation rows (they choose the epoch and early stopping)`
        : 'no validation part: the last epoch is kept and early stopping is off'}{' '}
      · {t.testRows.toLocaleString()} test rows (scored once, at the end)
      {t.validationUnseen > 0 &&
        ` · ${t.validationUnseen.toLocaleString()} validation rows have a user or item with no training row`}
      {t.setup && ` · ${setupLine(t.setup)}`}
    </p>
  );
}
