/**
 * Loading data sets: the built-in sample, an uploaded interactions file (preview, mapping,
 * "Use this data") and item / user metadata. A rejected file never replaces the loaded data.
 */
import { buildInteractions } from '../core/data/build';
import type { TextEncodingName } from '../core/data/decode';
import { blankLinesNote } from '../core/data/interaction-builder';
import { decodeText } from '../core/data/text-stream';
import { ImportCancelledError, ImportClient, type ImportProgress } from '../worker/import/client';
import { delimiterAdvice, previewCsv, type Delimiter } from '../core/data/csv';
import { guessMapping, validateMapping, type ColumnMapping } from '../core/data/columns';
import { attachItemMetadata, attachUserMetadata, parseItemMetadata } from '../core/data/metadata';
import { attachTagLists, readTagLists, type ItemTagLists } from '../core/data/tag-lists';
import { summarize } from '../core/data/summary';
import { DEFAULT_CLEAN, type CleanOptions, type CleanReport } from '../core/data/clean';
import { emptyFeatureTable, type Dataset, type InteractionKind } from '../core/data/types';
import type { Store } from './store';
import type { LabState, UploadState } from './lab-state';
import { sniffFile } from './sniff-file';
import { countRowsInSlices } from './points';

export const SAMPLE_NAME = 'MovieLens latest-small (sample)';
/** How the sample's ratings.csv is read (a test file beside it is read the same way). */
const SAMPLE_LAYOUT = {
  delimiter: ',',
  hasHeader: true,
  mapping: { user: 0, item: 1, rating: 2, timestamp: 3 },
  kind: 'explicit',
} as const;

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Reads a small file (embedding TSVs and factors; metadata and tags files are streamed in the
 * import worker instead) as text in its encoding, refusing what is not text (text-stream.ts).
 */
export async function readTextFile(file: File): Promise<string> {
  return decodeText(file.name, new Uint8Array(await file.arrayBuffer()));
}

/**
 * When the chosen delimiter leaves the first line one field, what to do about it: the delimiter
 * that would split it (the usual cause of "column 2 is not one of the file's 1 columns").
 */
function wrongDelimiter(u: UploadState): string | null {
  if (u.format !== 'delimited' || u.preview.header.length !== 1) return null;
  const line = u.head.split(/\r\n|\n|\r/, 1)[0];
  return `Line 1 has one field ${delimiterAdvice(line, u.delimiter)} above.`;
}

export class DataActions {
  private importer: ImportClient | null = null;

  constructor(
    private readonly store: Store<LabState>,
    /** Called when the data set changes, so training and projection state can reset. */
    private readonly onDataset: (d: Dataset) => void,
  ) {}

  private fail(source: string, msg: string): void {
    this.store.set((s) => ({ errors: [...s.errors, { source, message: msg }].slice(-20) }));
  }

  private setDataset(d: Dataset, note: string | null, tags?: ItemTagLists): void {
    const { itemMeta, userMeta } = this.store.get();
    let dataset = d;
    const notes: string[] = note ? [note] : [];
    if (itemMeta) {
      const r = attachItemMetadata(dataset, itemMeta);
      dataset = r.dataset;
      notes.push(
        `${itemMeta.name}: metadata for ${r.matched} of ${dataset.itemIds.length} items (${r.unmatched} ids not in the data)`,
      );
    }
    if (tags) {
      const r = attachTagLists(dataset, tags);
      dataset = r.dataset;
      notes.push(
        `${tags.name}: ${r.tags} tags on ${r.taggedItems} items as features (${r.rareTags} tags on fewer than 3 items left out)`,
      );
    }
    if (userMeta) {
      const r = attachUserMetadata(dataset, userMeta);
      dataset = r.dataset;
      notes.push(`${userMeta.name}: metadata for ${r.matched} of ${dataset.userIds.length} users`);
    }
    this.store.set({
      dataset,
      summary: summarize(dataset),
      datasetStatus: 'ready',
      datasetMessage: notes.join('. ') || null,
      upload: null,
      runs: [], // runs compare on one data set
    });
    // Counted between tasks now, so that the first epoch's map and panels find them.
    void countRowsInSlices(dataset);
    this.onDataset(dataset);
  }

  async loadSample(base: string): Promise<void> {
    this.store.set({ datasetStatus: 'loading', datasetMessage: 'Loading the MovieLens sample…' });
    try {
      const get = async (f: string) => {
        const res = await fetch(`${base}samples/ml-latest-small/${f}`);
        if (!res.ok) throw new Error(`could not fetch the sample's ${f} (HTTP ${res.status})`);
        return res.text();
      };
      const [ratings, movies, tags] = await Promise.all([
        get('ratings.csv'),
        get('movies.csv'),
        get('tags.csv'),
      ]);
      const d = buildInteractions({ name: SAMPLE_NAME, text: ratings, ...SAMPLE_LAYOUT });
      this.store.set({
        itemMeta: parseItemMetadata('movies.csv', movies),
        userMeta: null,
        datasetLayout: { format: 'delimited', ...SAMPLE_LAYOUT },
        testFile: null,
      });
      this.setDataset(d, null, readTagLists('tags.csv', tags));
    } catch (e) {
      this.store.set({
        datasetStatus: this.store.get().dataset ? 'ready' : 'empty',
        datasetMessage: null,
      });
      this.fail('data', `Sample: ${message(e)}`);
    }
  }

  async openInteractions(file: File): Promise<void> {
    try {
      const { head, format, layout, preview, mapping, kind } = await sniffFile(file);
      this.store.set({
        upload: {
          fileName: file.name,
          file,
          head,
          format,
          layout: layout && { label: layout.label, role: layout.role, byName: layout.byName },
          preview,
          delimiter: preview.delimiter,
          hasHeader: preview.hasHeader,
          mapping,
          kind: kind ?? 'auto',
          clean: DEFAULT_CLEAN,
          error: null,
        },
      });
    } catch (e) {
      this.store.set({ upload: null });
      this.fail('data', message(e));
    }
  }

  /** Re-reads the preview with another delimiter / header choice and re-guesses the mapping. */
  setFormat(delimiter: Delimiter, hasHeader: boolean): void {
    const u = this.store.get().upload;
    if (!u || u.format !== 'delimited') return;
    const preview = previewCsv(u.head, 8, { delimiter, hasHeader });
    this.store.set({
      upload: {
        ...u,
        delimiter,
        hasHeader,
        preview,
        mapping: guessMapping(preview.header, preview.rows),
        error: null,
      },
    });
  }

  setMapping(mapping: ColumnMapping): void {
    const u = this.store.get().upload;
    if (u) this.store.set({ upload: { ...u, mapping, error: null } });
  }

  /** Ratings (explicit), interactions (implicit), or 'auto': guessed from the values. */
  setKind(kind: 'auto' | InteractionKind): void {
    const u = this.store.get().upload;
    if (u) this.store.set({ upload: { ...u, kind, error: null } });
  }

  setClean(patch: Partial<CleanOptions>): void {
    const u = this.store.get().upload;
    if (u) this.store.set({ upload: { ...u, clean: { ...u.clean, ...patch }, error: null } });
  }

  cancelUpload(): void {
    this.store.set({ upload: null });
  }

  /**
   * An upload recognised as metadata or a tags file goes where it belongs: item or user
   * metadata, or item features from tags (on the loaded data set).
   */
  async useUploadAs(role: 'item-metadata' | 'user-metadata' | 'tags'): Promise<void> {
    const u = this.store.get().upload;
    if (!u) return;
    this.store.set({ upload: null });
    if (role !== 'tags')
      return this.openMetadata(u.file, role === 'item-metadata' ? 'item' : 'user');
    if (!this.store.get().dataset) {
      this.fail('data', `${u.fileName}: load the interactions first; tags describe their items`);
      return;
    }
    const read = await this.readSideFile(u.file, (c, progress) => c.readTags(u.file, progress));
    // Joined by id to the data set loaded now (another may have been loaded meanwhile).
    const d = this.store.get().dataset;
    if (read && d) this.setDataset(d, null, read.tags);
  }

  /** Starts `importProgress` for a file of `totalBytes`; returns what updates it (with rows/s). */
  private showProgress(totalBytes: number): (p: ImportProgress) => void {
    const started = performance.now();
    const progress = ({ bytes, totalBytes, rows }: ImportProgress) =>
      this.store.set({
        importProgress: {
          bytes,
          totalBytes,
          rows,
          rowsPerSecond: rows / Math.max(1e-3, (performance.now() - started) / 1000),
        },
      });
    progress({ bytes: 0, totalBytes, rows: 0 });
    return progress;
  }

  /**
   * Reads a metadata or tags file in the import worker (streaming, with progress in
   * `importProgress`, cancelled by `cancelImport`). Returns null when it failed (the error is
   * listed) or was cancelled. One file at a time: refused while another is being read. Also
   * used for a test file (test-file.ts), read as interactions by the same importer.
   */
  async readSideFile<T>(
    file: File,
    read: (client: ImportClient, progress: (p: ImportProgress) => void) => Promise<T>,
  ): Promise<T | null> {
    if (this.store.get().importProgress) {
      this.fail('data', `${file.name}: another file is being read; wait for it or cancel it`);
      return null;
    }
    const progress = this.showProgress(file.size);
    try {
      this.importer ??= new ImportClient();
      return await read(this.importer, progress);
    } catch (e) {
      if (!(e instanceof ImportCancelledError)) this.fail('data', message(e));
      return null;
    } finally {
      this.store.set({ importProgress: null });
    }
  }

  /**
   * Reads the whole file in the import worker (streaming, with progress in `importProgress`),
   * cleans it as chosen and loads it. A file that fails leaves the loaded data set in place.
   */
  async applyUpload(): Promise<void> {
    const u = this.store.get().upload;
    if (!u || this.store.get().importProgress) return;
    const invalid = validateMapping(u.mapping, u.preview.header.length);
    if (invalid) {
      this.store.set({ upload: { ...u, error: wrongDelimiter(u) ?? invalid } });
      return;
    }
    const progress = this.showProgress(u.file.size);
    try {
      this.importer ??= new ImportClient();
      // Read and cleaned in the import worker: the page gets the data set it loads.
      const {
        dataset: d,
        encoding,
        lossy,
        cleaned,
      } = await this.importer.import(
        u.file,
        {
          delimiter: u.delimiter,
          hasHeader: u.hasHeader,
          mapping: u.mapping,
          format: u.format,
          ...(u.format === 'jsonl' ? { keys: u.preview.header } : {}),
          ...(u.kind === 'auto' ? {} : { kind: u.kind }),
          clean: u.clean,
        },
        progress,
      );
      if (!cleaned) throw new Error(`${u.fileName}: the import worker did not clean the data`);
      const { report, readRows } = cleaned;
      if (d.user.length === 0)
        throw new Error(
          `${u.fileName}: no rows are left after cleaning (${describeClean(report)}); relax the filters`,
        );
      // Metadata and a test file of the previous data set do not describe this one; a test file
      // is read later in this file's layout.
      this.store.set({
        itemMeta: null,
        userMeta: null,
        testFile: null,
        datasetLayout: {
          format: u.format,
          delimiter: u.delimiter,
          hasHeader: u.hasHeader,
          mapping: u.mapping,
          ...(u.format === 'jsonl' ? { keys: u.preview.header } : {}),
        },
      });
      const notes = [
        u.format === 'parquet'
          ? 'read as Parquet'
          : `read as ${ENCODING_NAMES[encoding]}` +
            (lossy ? ' (some bytes were not valid in it and show as �)' : ''),
        `${d.kind === 'explicit' ? 'ratings (explicit)' : 'interactions (implicit)'}` +
          (u.clean.logWeights && d.kind === 'implicit'
            ? ', weights log-scaled into confidences'
            : ''),
        d.skippedRows
          ? `${readRows} rows read, ${d.skippedRows} skipped (see the problems list)`
          : '',
        d.blankLines ? blankLinesNote(d.blankLines) : '',
        describeClean(report),
      ].filter(Boolean);
      this.store.set({ importProgress: null });
      this.setDataset(d, notes.length ? `${u.fileName}: ${notes.join('; ')}` : null);
    } catch (e) {
      this.store.set({ importProgress: null });
      if (e instanceof ImportCancelledError) return;
      this.store.set({ upload: { ...u, error: message(e) } });
      this.fail('data', message(e));
    }
  }

  /** A data set made elsewhere (imported embeddings), replacing the loaded one and its metadata. */
  loadImported(d: Dataset, note: string): void {
    this.store.set({
      itemMeta: null,
      userMeta: null,
      upload: null,
      datasetLayout: null,
      testFile: null,
    });
    this.setDataset(d, note);
  }

  /** Stops a running import; the loaded data set stays. */
  cancelImport(): void {
    this.importer?.cancel();
  }

  /**
   * Reads an item or user metadata file in the import worker (streaming, with progress in
   * `importProgress`) and joins it onto the loaded data set, or keeps it for the next one.
   */
  async openMetadata(file: File, of: 'item' | 'user'): Promise<void> {
    const read = await this.readSideFile(file, (c, progress) => c.readMetadata(file, of, progress));
    if (!read) return;
    if (of === 'item') this.store.set({ itemMeta: read.metadata });
    else this.store.set({ userMeta: read.metadata });
    const d = this.store.get().dataset;
    if (d) this.setDataset(stripMetadata(d, of), null);
  }
}

const ENCODING_NAMES: Record<TextEncodingName, string> = {
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16 (little-endian)',
  'utf-16be': 'UTF-16 (big-endian)',
  'windows-1252': 'Windows-1252 / Latin-1',
};

/** What cleaning did, in words ('' when it changed nothing). */
export function describeClean(r: CleanReport): string {
  const parts: string[] = [];
  if (r.duplicates) parts.push(`${r.duplicates} repeated (user, item) rows merged`);
  if (r.outOfRange) parts.push(`${r.outOfRange} rows outside the rating range dropped`);
  if (r.coreRows)
    parts.push(
      `the k-core dropped ${r.coreRows} rows, ${r.coreUsers} users and ${r.coreItems} items`,
    );
  return parts.join(', ');
}

/** The dataset with one side's metadata removed, before attaching a newly loaded file. */
function stripMetadata(d: Dataset, of: 'item' | 'user'): Dataset {
  if (of === 'user') return { ...d, userFeatures: emptyFeatureTable(d.userIds.length) };
  return { ...d, itemLabels: d.itemIds.slice(), itemFeatures: emptyFeatureTable(d.itemIds.length) };
}
