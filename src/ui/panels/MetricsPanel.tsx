import { useLabState } from '../lab-context';
import { LineChart } from '../charts/LineChart';
import { fmtNum } from '../format';

export function MetricsPanel() {
  const t = useLabState((s) => s.training);
  const loss = t.lossCurve.map((p) => ({ x: p.epoch, y: p.loss }));
  const rmse = t.history.filter((h) => h.rmse != null).map((h) => ({ x: h.epoch, y: h.rmse! }));
  const mae = t.history.filter((h) => h.mae != null).map((h) => ({ x: h.epoch, y: h.mae! }));
  const b = t.baselines;
  return (
    <section className="panel metrics" aria-labelledby="metrics-heading">
      <h2 id="metrics-heading">Training curves</h2>
      <div className="charts">
        <LineChart
          title="Training loss (MSE)"
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
      </div>
      {t.history.length > 0 && (
        <table className="history">
          <caption className="sr-only">Per-epoch metrics</caption>
          <thead>
            <tr>
              <th>Epoch</th>
              <th>Train loss</th>
              <th>RMSE</th>
              <th>MAE</th>
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
                <td>{h.seconds.toFixed(2)} s</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
