import { useLab, useLabState } from '../lab-context';
import { MODELS } from '../../core/models/catalog';
import { isMapFirst, MAP_FIRST_CONFIG } from '../../core/training/map-default';
import { modelChoice } from './train-settings';

/**
 * Under the model select: what the default is for, and the other choice one click away. The
 * map-first default ranks (no RMSE); "Use biased MF (ratings)" switches to the rating model, and
 * "Use the map-first default" comes back.
 */
export function DefaultNote({ busy }: { busy: boolean }) {
  const lab = useLab();
  const c = useLabState((s) => s.training.config);
  const dataKind = useLabState((s) => s.dataset?.kind ?? 'explicit');
  const mf = MODELS.find((m) => m.name === 'biased-mf');
  if (isMapFirst(c))
    return (
      <p className="muted small" data-testid="default-note">
        The default is chosen for the map: its neighbours agree with genres and co-occurrence
        (README, “The map-first default”). It ranks and predicts no ratings.{' '}
        {mf && dataKind === 'explicit' && (
          <button
            type="button"
            className="link"
            disabled={busy}
            onClick={() => lab.setConfig(modelChoice(mf, dataKind))}
          >
            Use biased MF (ratings)
          </button>
        )}
      </p>
    );
  return (
    <p className="muted small" data-testid="default-note">
      <button
        type="button"
        className="link"
        disabled={busy}
        onClick={() => {
          const { model, feedback, negatives, learningRate, l2, dim, epochs } = MAP_FIRST_CONFIG;
          lab.setConfig({ model, feedback, negatives, learningRate, l2, dim, epochs });
        }}
      >
        Use the map-first default
      </button>
    </p>
  );
}
