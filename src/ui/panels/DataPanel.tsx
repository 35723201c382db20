import { useState, type DragEvent } from 'react';
import { useLab, useLabState } from '../lab-context';
import { fmtInt } from '../format';
import { UploadMapper } from './UploadMapper';
import { ProgressBar } from '../controls/ProgressBar';
import { FileInput } from '../controls/FileInput';
import { pathedFiles } from '../../state/import-embeddings';
import { droppedFiles, droppedFolderEntries } from '../../state/dropped-folders';

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

export function DataPanel() {
  const lab = useLab();
  const summary = useLabState((s) => s.summary);
  const dataset = useLabState((s) => s.dataset);
  const status = useLabState((s) => s.datasetStatus);
  const message = useLabState((s) => s.datasetMessage);
  const upload = useLabState((s) => s.upload);
  // Without an upload being mapped, a file read in the worker is a metadata or tags file.
  const reading = useLabState((s) => (s.upload ? null : s.importProgress));
  const [over, setOver] = useState(false);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    // A dropped folder holds embeddings (a Spark model folder, a TensorBoard log folder).
    const folders = droppedFolderEntries(e.dataTransfer.items);
    if (folders) return void lab.importEmbeddings(droppedFiles(folders));
    const f = e.dataTransfer.files[0];
    if (f) void lab.data.openInteractions(f);
  };

  return (
    <section className="panel" aria-labelledby="data-heading">
      <h2 id="data-heading">Data</h2>
      {status === 'loading' && <p className="muted">{message}</p>}
      {dataset && summary && (
        <>
          <p className="dataset-name">{dataset.name}</p>
          <dl className="stats">
            <dt>Rows</dt>
            <dd>{fmtInt(summary.rows)}</dd>
            <dt>Users</dt>
            <dd>{fmtInt(summary.users)}</dd>
            <dt>Items</dt>
            <dd>{fmtInt(summary.items)}</dd>
            {summary.rows > 0 && (
              // Imported vectors (a model export, Spark factors, TSVs) come without interactions.
              <>
                <dt>Kind</dt>
                <dd>{dataset.kind}</dd>
                <dt>Ratings</dt>
                <dd>
                  {summary.ratingMin} – {summary.ratingMax} (mean {summary.meanRating.toFixed(2)})
                </dd>
                <dt>Sparsity</dt>
                <dd>{(summary.sparsity * 100).toFixed(2)}%</dd>
              </>
            )}
            <dt>Item features</dt>
            <dd>{summary.itemFeatures}</dd>
            {dataset.skippedRows > 0 && (
              <>
                <dt>Skipped</dt>
                <dd>{fmtInt(dataset.skippedRows)} rows</dd>
              </>
            )}
          </dl>
          {message && <p className="note">{message}</p>}
          {dataset.issues.length > 0 && (
            <details className="issues">
              <summary>
                {dataset.issues.length} problems found while reading {dataset.name}
                {dataset.skippedRows > dataset.issues.length &&
                  ` (the first ${dataset.issues.length}; ${fmtInt(dataset.skippedRows)} rows skipped in all)`}
              </summary>
              <ul>
                {dataset.issues.map((i, k) => (
                  <li key={k}>
                    line {i.line}: {i.message}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
      {status === 'empty' && !upload && (
        <p className="muted">No data loaded. Drop a CSV of interactions below.</p>
      )}
      <div
        className={`dropzone${over ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p>
          Drop an interactions CSV here (user, item, optional rating and timestamp), or a folder of
          embeddings, or choose:
        </p>
        <FileInput label="Interactions file" onFiles={([f]) => void lab.data.openInteractions(f)} />
        <FileInput
          label="Item metadata file"
          onFiles={([f]) => void lab.data.openMetadata(f, 'item')}
        />
        <FileInput
          label="User metadata file"
          onFiles={([f]) => void lab.data.openMetadata(f, 'user')}
        />
        <FileInput
          label="Embeddings files (Spark ALS factors, TensorBoard TSV)"
          multiple
          onFiles={(files) => void lab.importEmbeddings(pathedFiles(files))}
        />
        <FileInput
          label="Embeddings folder (Spark ALSModel.save, userFactors + itemFactors, TensorBoard log)"
          folder
          onFiles={(files) => void lab.importEmbeddings(pathedFiles(files))}
        />
        <FileInput
          label="TensorFlow.js export (JSON + weights.bin)"
          accept=".json,.bin"
          multiple
          onFiles={(files) => void lab.importModel(files)}
        />
        {!dataset?.name.includes('sample') && (
          <button
            type="button"
            className="link"
            onClick={() => void lab.data.loadSample(import.meta.env.BASE_URL)}
          >
            Load the MovieLens sample
          </button>
        )}
      </div>
      {reading && (
        <div className="import-progress" aria-live="polite">
          <ProgressBar
            value={reading.totalBytes ? reading.bytes / reading.totalBytes : 0}
            label="Metadata progress"
          />
          <span className="muted small">
            Reading metadata: {fmtInt(reading.rows)} rows · {mb(reading.bytes)} of{' '}
            {mb(reading.totalBytes)} MB
          </span>
          <button type="button" onClick={() => lab.data.cancelImport()}>
            Cancel reading
          </button>
        </div>
      )}
      {upload && <UploadMapper />}
    </section>
  );
}
