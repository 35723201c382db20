import type { SpaceEpoch } from '../../core/metrics/space-quality';
import { LineChart } from '../charts/LineChart';

/**
 * The map's quality after each epoch, beside the held-out metric: what the neighbour lists of
 * the map would show at that epoch (genre agreement and ItemKNN overlap of the items, UserKNN
 * overlap of the users), under the page's neighbour settings.
 */
export function SpaceCurve({
  points,
  epochsTotal,
  k,
}: {
  points: SpaceEpoch[];
  epochsTotal: number;
  k: number;
}) {
  const line = (y: (p: SpaceEpoch) => number | null) =>
    points.flatMap((p) => {
      const v = y(p);
      return v !== null && Number.isFinite(v) ? [{ x: p.epoch, y: v }] : [];
    });
  const users = line((p) => p.userCoOccurrenceOverlap);
  return (
    <LineChart
      title={`Map quality per epoch (@${k})`}
      series={[
        {
          name: 'genre agreement',
          color: '#9ece6a',
          points: line((p) => p.genreAgreement),
          markers: true,
        },
        {
          name: 'ItemKNN overlap',
          color: '#7aa2f7',
          points: line((p) => p.coOccurrenceOverlap),
          markers: true,
        },
        ...(users.length
          ? [{ name: 'UserKNN overlap', color: '#bb9af7', points: users, markers: true }]
          : []),
      ]}
      xLabel="epoch"
      xMax={epochsTotal}
      empty="Measured after each epoch"
    />
  );
}
