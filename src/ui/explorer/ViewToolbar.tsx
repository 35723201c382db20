/** The explorer's second toolbar: colour, which kinds are shown and how, and the exports. */
import { useId, useMemo } from 'react';
import { useLab, useLabState } from '../lab-context';
import { NumberField } from '../controls/NumberField';
import { metadataColumns } from '../panels/explorer-colors';
import type { ColorBy, Palette, PointKind } from '../../state/lab-state';
import type { EmbeddingScene } from '../../scene/EmbeddingScene';
import { useShownLayout } from './useExplorerScene';
import { ExportControls } from './ExportControls';

const KINDS: { kind: PointKind; label: string }[] = [
  { kind: 'item', label: 'Items' },
  { kind: 'user', label: 'Users' },
  { kind: 'feature', label: 'Features' },
];

export function ViewToolbar({ scene, drawn }: { scene: EmbeddingScene | null; drawn: boolean }) {
  const lab = useLab();
  const id = useId();
  const dataset = useLabState((s) => s.dataset);
  const embeddings = useLabState((s) => s.embeddings);
  const colorBy = useLabState((s) => s.colorBy);
  const view = useLabState((s) => s.view);
  const { space } = useShownLayout();
  const columns = useMemo(() => (dataset ? metadataColumns(dataset) : []), [dataset]);
  return (
    <div className="toolbar secondary">
      <div className="field inline">
        <label htmlFor={`${id}-color`}>Colour by</label>
        <select
          id={`${id}-color`}
          value={colorBy}
          onChange={(e) => lab.setColorBy(e.target.value as ColorBy)}
        >
          <option value="kind">kind</option>
          {columns.map((c) => (
            <option key={c.key} value={c.key}>
              {c.label}
            </option>
          ))}
          <option value="popularity">popularity</option>
          <option value="bias" disabled={!embeddings}>
            learned bias
          </option>
          <option value="norm" disabled={!embeddings}>
            embedding norm
          </option>
        </select>
      </div>
      <fieldset className="kinds" aria-label="Show">
        {KINDS.map(({ kind, label }) => (
          <label className="check" key={kind}>
            <input
              type="checkbox"
              checked={view.show[kind]}
              disabled={kind === 'feature' && !space?.features}
              onChange={(e) => lab.setShown(kind, e.target.checked)}
            />
            {label}
          </label>
        ))}
        <label className="check">
          <input
            type="checkbox"
            checked={view.sizeByPopularity}
            onChange={(e) => lab.setView({ sizeByPopularity: e.target.checked })}
          />
          Size by popularity
        </label>
      </fieldset>
      <div className="compact-fields">
        <NumberField
          label="Point size"
          value={view.pointSize}
          min={1}
          max={40}
          step={1}
          onChange={(v) => lab.setView({ pointSize: v })}
        />
        <NumberField
          label="Label size"
          value={view.labelSize}
          min={0}
          max={40}
          step={1}
          onChange={(v) => lab.setView({ labelSize: v })}
        />
        <div className="field">
          <label htmlFor={`${id}-palette`}>Palette</label>
          <select
            id={`${id}-palette`}
            value={view.palette}
            onChange={(e) => lab.setView({ palette: e.target.value as Palette })}
          >
            <option value="default">default</option>
            <option value="colorblind">colour-blind safe</option>
          </select>
        </div>
      </div>
      <ExportControls scene={scene} drawn={drawn} />
    </div>
  );
}
