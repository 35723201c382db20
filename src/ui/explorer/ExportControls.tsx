/**
 * The map's exports: the layout as CSV and PNG, TensorBoard projector files, the model as
 * TensorFlow.js artifacts, and every user's top-k recommendations (with the scoring's progress).
 */
import { useState } from 'react';
import { useLab, useLabState } from '../lab-context';
import { NumberField } from '../controls/NumberField';
import { ProgressBar } from '../controls/ProgressBar';
import { ProjectorExport } from '../panels/ProjectorExport';
import { projectionCsv } from '../../state/export';
import { download, downloadText } from '../download';
import type { EmbeddingScene } from '../../scene/EmbeddingScene';
import { useShownLayout } from './useExplorerScene';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function ExportControls({ scene, drawn }: { scene: EmbeddingScene | null; drawn: boolean }) {
  const lab = useLab();
  const dataset = useLabState((s) => s.dataset);
  const embeddings = useLabState((s) => s.embeddings);
  const method = useLabState((s) => s.projection.method);
  const exportJob = useLabState((s) => s.exportJob);
  const trainingStatus = useLabState((s) => s.training.status);
  const { coords, coordsDims, space, laidOut } = useShownLayout();
  const [topK, setTopK] = useState(10);
  const exportName = `${dataset?.name.replace(/\W+/g, '-') ?? 'layout'}-${method}-${coordsDims}d`;
  return (
    <>
      <button
        type="button"
        disabled={!drawn}
        onClick={() =>
          download(
            `${exportName}.csv`,
            new Blob([projectionCsv(dataset!, space!, coords!, coordsDims, laidOut)], {
              type: 'text/csv',
            }),
          )
        }
      >
        Export CSV
      </button>
      <button
        type="button"
        disabled={!drawn}
        onClick={() => download(`${exportName}.png`, scene!.toPng())}
      >
        Export PNG
      </button>
      <ProjectorExport />
      <button
        type="button"
        disabled={!dataset || !embeddings}
        title="model.json and weights.bin (TensorFlow.js artifacts): the factors, ids, settings and curves; the Data panel opens them again"
        onClick={() => {
          try {
            const { modelJson, weights } = lab.modelFiles();
            download('model.json', new Blob([modelJson], { type: 'application/json' }));
            download('weights.bin', new Blob([weights], { type: 'application/octet-stream' }));
          } catch (e) {
            lab.reportError('export', message(e));
          }
        }}
      >
        Export for TensorFlow.js
      </button>
      <div className="compact-fields">
        <NumberField
          label="Top-k"
          value={topK}
          min={1}
          max={1000}
          step={1}
          integer
          onChange={setTopK}
        />
        <button
          type="button"
          disabled={!embeddings || trainingStatus === 'running' || exportJob !== null}
          title="user, rank, item, score: every user's top-k items they have not interacted with"
          onClick={() =>
            lab
              .recommendationsCsv(topK)
              .then((csv) => downloadText('recommendations.csv', csv))
              .catch((e: unknown) => lab.reportError('export', message(e)))
          }
        >
          Export recommendations CSV
        </button>
      </div>
      {exportJob && (
        <div className="export-progress">
          <ProgressBar value={exportJob.fraction} label="Export progress" />
          <span className="muted small">
            {exportJob.label} {Math.round(exportJob.fraction * 100)}%
          </span>
        </div>
      )}
    </>
  );
}
