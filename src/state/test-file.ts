/**
 * The "Test file" split's second file: read in the import worker by the same streaming importer
 * as any interactions file, in the loaded data set's layout, then mapped onto its user and item
 * ids (rows naming others are counted, said and left out). It stays with the data set until
 * another is loaded. A file that cannot be used is one message; what was loaded stays.
 */
import { isParquet } from '../core/data/parquet';
import {
  describeTestSet,
  mapTestSet,
  testFileLayout,
  type InteractionLayout,
} from '../core/data/test-set';
import type { Dataset } from '../core/data/types';
import { ImportCancelledError } from '../worker/import/client';
import type { DataActions } from './data-actions';
import type { LabState } from './lab-state';
import { readFileHead, sniffFile } from './sniff-file';
import type { Store } from './store';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** `name: message`, unless the message already starts with the name (DataErrors do). */
function named(name: string, e: unknown): string {
  const m = message(e);
  return m.startsWith(`${name}:`) ? m : `${name}: ${m}`;
}

export class TestFileActions {
  constructor(
    private readonly store: Store<LabState>,
    private readonly data: DataActions,
  ) {}

  private fail(msg: string): void {
    this.store.set((s) => ({
      errors: [...s.errors, { source: 'test file', message: msg }].slice(-20),
    }));
  }

  /** Reads `file` as the test part of the loaded data set. */
  async open(file: File): Promise<void> {
    const dataset = this.store.get().dataset;
    if (!dataset) {
      this.fail(
        `${file.name}: load the training interactions first; a test file is read onto their users and items`,
      );
      return;
    }
    let layout: InteractionLayout;
    try {
      layout = await this.layoutOf(file, dataset);
    } catch (e) {
      this.fail(named(file.name, e));
      return;
    }
    const read = await this.data.readSideFile(file, (c, progress) =>
      c.import(file, layout, progress).catch((e: unknown) => {
        // The importer's own wording, but naming this file (the error list is shared).
        if (e instanceof ImportCancelledError) throw e;
        throw new Error(named(file.name, e));
      }),
    );
    if (!read) return;
    // Another data set loaded meanwhile: the file was read for the previous one's ids.
    const now = this.store.get().dataset;
    if (!now || now.userIds !== dataset.userIds || now.itemIds !== dataset.itemIds) return;
    try {
      const mapped = mapTestSet(dataset, read.dataset);
      this.store.set({ testFile: { ...mapped, note: describeTestSet(mapped) } });
    } catch (e) {
      this.fail(named(file.name, e));
    }
  }

  /** Forgets the test file (the split then asks for one). */
  clear(): void {
    this.store.set({ testFile: null });
  }

  /**
   * The options the test file is read with: the training file's layout (the header detected in
   * the test file itself), or, when that is not known, what an upload of the file would guess.
   * The kind is the data set's, so ratings stay ratings.
   */
  private async layoutOf(file: File, dataset: Dataset): Promise<InteractionLayout> {
    const training = this.store.get().datasetLayout;
    if (!training) {
      const s = await sniffFile(file);
      if (s.layout && s.layout.role !== 'interactions')
        throw new Error(`this looks like ${s.layout.label}, not interactions`);
      return {
        format: s.format,
        delimiter: s.preview.delimiter,
        hasHeader: s.preview.hasHeader,
        mapping: s.mapping,
        ...(s.format === 'jsonl' ? { keys: s.preview.header } : {}),
        kind: dataset.kind,
      };
    }
    const parquet = isParquet(new Uint8Array(await file.slice(0, 4).arrayBuffer()));
    if (parquet !== (training.format === 'parquet'))
      throw new Error(
        `this is ${parquet ? 'a Parquet file' : 'text'}, but the training file is ${parquet ? 'text' : 'Parquet'}: give the test rows in the training file's layout`,
      );
    return testFileLayout(training, parquet ? '' : await readFileHead(file), dataset.kind);
  }
}
