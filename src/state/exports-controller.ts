/**
 * Exports and model import: every user's recommendations as CSV (scored on the training
 * worker), the model as TensorFlow.js artifacts, and embeddings or models trained elsewhere
 * brought in as the data set and embeddings, laid out at once.
 */
import type { Store } from './store';
import type { LabState } from './lab-state';
import type { Dataset } from '../core/data/types';
import { groupByUser } from '../core/metrics/ranking';
import { recommendationsCsv } from './export';
import { exportModel, importedRun, placeModel, readModelFiles } from './import-model';
import { readEmbeddingFiles, type PathedFile } from './import-embeddings';
import type { TopK, TrainingController } from './training-controller';

export interface ExportsDeps {
  reportError(source: string, message: string): void;
  /** Loads a data set that came with imported vectors (DataActions.loadImported). */
  loadImported(d: Dataset, note: string): void;
  /** Lays out the latest embeddings (ProjectionController.project). */
  project(): void;
  /** The training controller's run state and its worker's scoring job. */
  training: Pick<TrainingController, 'isTraining' | 'stop' | 'recommend'>;
}

const SCORING = 'Scoring every user';

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class ExportsController {
  constructor(
    private readonly store: Store<LabState>,
    private readonly deps: ExportsDeps,
  ) {}

  /**
   * Every user's top-k unseen items from the latest embeddings, scored on the training worker's
   * backend in blocks, as CSV (user, rank, item, score). Reports progress in `exportJob`.
   */
  async recommendationsCsv(k: number): Promise<string> {
    const { dataset, embeddings } = this.store.get();
    if (!dataset || !embeddings || embeddings.dim < 1)
      throw new Error('Train a model with embeddings first: recommendations come from them.');
    if (this.deps.training.isTraining())
      throw new Error('Wait for training to finish, or stop it, first.');
    const seen = groupByUser(dataset.user, dataset.item, dataset.userIds.length);
    this.store.set({ exportJob: { label: SCORING, fraction: 0 } });
    let result: TopK;
    try {
      result = await this.deps.training.recommend(
        {
          k,
          // Copies: the page keeps its snapshot.
          snapshot: {
            dim: embeddings.dim,
            userFactors: embeddings.userFactors.slice(),
            itemFactors: embeddings.itemFactors.slice(),
            itemBias: embeddings.itemBias.slice(),
          },
          seen,
        },
        (fraction) => this.store.set({ exportJob: { label: SCORING, fraction } }),
      );
    } finally {
      this.store.set({ exportJob: null });
    }
    return recommendationsCsv(dataset, embeddings, k, result.item, result.score);
  }

  /**
   * Embeddings trained elsewhere (Spark ALS factors, TensorBoard projector files) become the
   * data set and the embeddings, and are laid out at once. A promise of files: a dropped
   * folder is still being walked, and its failure is reported like a bad file.
   */
  async importEmbeddings(files: PathedFile[] | Promise<PathedFile[]>): Promise<void> {
    try {
      if (this.deps.training.isTraining()) this.deps.training.stop();
      const { dataset, snapshot, note } = await readEmbeddingFiles(await files);
      this.deps.loadImported(dataset, note);
      this.store.set({ embeddings: snapshot });
      if (snapshot.dim >= 1) this.deps.project();
    } catch (e) {
      this.deps.reportError('data', message(e));
    }
  }

  /**
   * A model exported by the app or written by the CLI (model.json + weights.bin): onto the loaded
   * data set when it has the model's users and items, else with a data set of its own ids; its
   * run joins the runs table and its curves the charts. Laid out at once.
   */
  async importModel(files: File[]): Promise<void> {
    try {
      if (this.deps.training.isTraining()) this.deps.training.stop();
      const model = await readModelFiles(files);
      const placed = placeModel(model, this.store.get().dataset);
      if (placed.attached) this.store.set({ datasetMessage: placed.note });
      else this.deps.loadImported(placed.dataset, placed.note);
      const run = importedRun(model);
      this.store.set((s) => ({
        embeddings: placed.snapshot,
        runs: run ? [...s.runs, { ...run, id: s.runs.length + 1 }] : s.runs,
        training: {
          ...s.training,
          model: model.model,
          config: model.config,
          history: run?.history ?? [],
          lossCurve: [],
          feedback: run?.feedback ?? null,
        },
      }));
      this.deps.project();
    } catch (e) {
      this.deps.reportError('data', message(e));
    }
  }

  /** The current model as TensorFlow.js artifacts (see import-model.ts `exportModel`). */
  modelFiles(): { modelJson: string; weights: ArrayBuffer } {
    return exportModel(this.store.get());
  }
}
