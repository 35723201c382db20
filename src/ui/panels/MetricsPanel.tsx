import { useLabState } from '../lab-context';
import { LineChart } from '../charts/LineChart';
import { fmtNum } from '../format';

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
  const last = t.history.at(-1);
  const b = t.baselines;
  const ranker = t.predictsRatings === false;
  // A ranking model is ranked every epoch; a rating model once, after its last epoch (the
  // summary line shows that report), so its ranking chart appears only with a curve to draw.
  const showRanking = recall.length > 1 || (ranker && recall.length > 0);
  const lossTitle = ranker
    ? t.model === 'popularity'
      ? 'Training loss (none: counted)'
      : 'Training loss (ranking)'
    : 'Training loss (MSE)';
  return (
    <section className="panel metrics" aria-labelledby="metrics-heading">
      <h2 id="metrics-heading">Training curves</h2>
      <div className={showRanking ? 'charts three' : 'charts'}>
        <LineChart
          title={lossTitle}
          series={[{ name: 'loss', color: '#7aa2f7', points: loss }]}
          xLabel="epoch"
          xMax={t.epochsTotal}
          empty="Train a model to see its loss"
        />
        <LineChart
          title="Held-out error"
          series={[
            { name: 'RMSE', color: '#9ece6a', points: rmse, markers: true },
            { name: 'MAE', color: '#e0af68', points: mae, markers: true },
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
            title="Held-out ranking (all items, seen excluded)"
            series={[
              { name: 'Recall@20', color: '#7dcfff', points: recall, markers: true },
              { name: 'NDCG@10', color: '#ff9e64', points: ndcg, markers: true },
            ]}
            xLabel="epoch"
            xMax={t.epochsTotal}
            empty="Ranked after the last epoch"
          />
        )}
      </div>
      {last?.ranking && (
        <p className="ranking-summary">
          Ranking on the held-out split after epoch {last.epoch} (all items, seen ones excluded):
          Recall@20 {fmtNum(last.recallAtK)} · NDCG@10 {fmtNum(last.ranking.ndcg10)} · Precision@10{' '}
          {fmtNum(last.ranking.precision10)} · Recall@10 {fmtNum(last.ranking.recall10)} ·
          HitRate@10 {fmtNum(last.ranking.hitRate10)} · MAP@10 {fmtNum(last.ranking.map10)} · MRR{' '}
          {fmtNum(last.ranking.mrr10)} · coverage@10 {fmtNum(last.ranking.coverage10)}
          {last.ranking.auc != null && <> · AUC {fmtNum(last.ranking.auc)}</>}
        </p>
      )}
      {t.history.length > 0 && (
        <table className="history">
          <caption className="sr-only">Per-epoch metrics</caption>
          <thead>
            <tr>
              <th>Epoch</th>
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
