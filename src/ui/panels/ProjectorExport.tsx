import { useState } from 'react';
import { useLab, useLabState } from '../lab-context';
import { pointSpace } from '../../state/points';
import { projectorFiles } from '../../state/projector-export';
import { downloadText } from '../download';

/**
 * "Export for TensorBoard": the projector bundle (state/projector-export.ts). The base URL is
 * only for the standalone projector's JSON, which resolves relative paths against its own page:
 * where the four files will be hosted, so `?config=<base>projector_config.json` finds the rest.
 */
export function ProjectorExport() {
  const lab = useLab();
  const dataset = useLabState((s) => s.dataset);
  const embeddings = useLabState((s) => s.embeddings);
  const trainedModel = useLabState((s) => s.training.model);
  const [baseUrl, setBaseUrl] = useState('');
  return (
    <>
      <button
        type="button"
        disabled={!dataset || !embeddings}
        title="vectors.tsv, metadata.tsv, projector_config.pbtxt (TensorBoard's projector plugin: put the files in a log directory) and projector_config.json (the standalone projector)"
        onClick={() => {
          try {
            const files = projectorFiles(
              dataset!,
              embeddings!,
              pointSpace(dataset!, embeddings),
              `${dataset!.name} · ${trainedModel} · epoch ${embeddings!.epoch}`,
              baseUrl.trim(),
            );
            for (const f of files) downloadText(f.name, f.text, f.type);
          } catch (e) {
            lab.reportError('export', e instanceof Error ? e.message : String(e));
          }
        }}
      >
        Export for TensorBoard
      </button>
      <input
        type="url"
        className="base-url"
        aria-label="Projector base URL"
        placeholder="hosted at (URL, optional)"
        title="Where the exported files will be served from: the standalone projector's projector_config.json then names them by full address (it resolves relative paths against its own page). TensorBoard's projector_config.pbtxt stays relative."
        value={baseUrl}
        onChange={(e) => setBaseUrl(e.target.value)}
      />
    </>
  );
}
