/** The explorer's first toolbar: projection method, dimensions, its parameters, point budget. */
import { useId } from 'react';
import { useLab, useLabState } from '../lab-context';
import { NumberField } from '../controls/NumberField';
import type { ProjectionMethod } from '../../worker/projection/protocol';

export function ProjectionToolbar() {
  const lab = useLab();
  const id = useId();
  const projection = useLabState((s) => s.projection);
  const embeddings = useLabState((s) => s.embeddings);
  return (
    <div className="toolbar">
      <h2 id="explorer-heading">Latent space</h2>
      <div className="field inline">
        <label htmlFor={`${id}-method`}>Projection</label>
        <select
          id={`${id}-method`}
          value={projection.method}
          onChange={(e) => lab.setProjection(e.target.value as ProjectionMethod, projection.dims)}
        >
          <option value="umap">UMAP</option>
          <option value="tsne">t-SNE</option>
          <option value="pca">PCA</option>
          <option value="identity" disabled={!!embeddings && embeddings.dim > 3}>
            Identity (≤ 3 dims)
          </option>
        </select>
      </div>
      <div className="field inline">
        <label htmlFor={`${id}-dims`}>Dimensions</label>
        <select
          id={`${id}-dims`}
          value={projection.dims}
          onChange={(e) => lab.setProjection(projection.method, Number(e.target.value) as 2 | 3)}
        >
          <option value={3}>3D</option>
          <option value={2}>2D</option>
        </select>
      </div>
      {projection.method === 'umap' && (
        <div className="compact-fields">
          <NumberField
            label="Neighbours"
            value={projection.params.nNeighbors}
            min={2}
            max={200}
            step={1}
            integer
            onChange={(v) => lab.setProjectionParams({ nNeighbors: v })}
          />
          <NumberField
            label="Min. distance"
            value={projection.params.minDist}
            min={0}
            max={1}
            step={0.05}
            onChange={(v) => lab.setProjectionParams({ minDist: v })}
          />
        </div>
      )}
      {projection.method === 'tsne' && (
        <div className="compact-fields">
          <NumberField
            label="Perplexity"
            value={projection.params.perplexity}
            min={2}
            max={100}
            step={1}
            onChange={(v) => lab.setProjectionParams({ perplexity: v })}
          />
        </div>
      )}
      {projection.method === 'pca' && (
        <div className="compact-fields">
          <NumberField
            label="First component"
            value={projection.params.firstComponent}
            min={1}
            max={Math.max(1, (embeddings?.dim ?? 3) - projection.dims + 1)}
            step={1}
            integer
            onChange={(v) => lab.setProjectionParams({ firstComponent: v })}
          />
        </div>
      )}
      <div className="compact-fields">
        <NumberField
          label="Max points"
          value={projection.maxPoints}
          min={100}
          max={10_000_000}
          step={1000}
          integer
          onChange={(v) => lab.setMaxPoints(v)}
        />
      </div>
      <button
        type="button"
        className="primary"
        disabled={!embeddings}
        onClick={() => void lab.project()}
      >
        Project
      </button>
    </div>
  );
}
