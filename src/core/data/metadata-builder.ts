/**
 * Records of a metadata file -> ItemMetadata, one record at a time (as InteractionBuilder does for
 * interactions), so a file of any size is read as a stream. A guessed layout is judged on the
 * first PROFILE_ROWS data rows, which are held until then; numeric columns, whose features depend
 * on every number in them (quantile buckets), are settled at the end, from their numbers and the
 * cell of each entity kept meanwhile.
 */
import { isNumeric } from './columns';
import { generatedColumnNames } from './csv';
import { DataError } from './errors';
import { trimEnd, trimStart } from './field-values';
import { IdTable } from './id-table';
import type { KnownLayout } from './layouts';
import {
  guessColumns,
  numericColumn,
  planFromLayout,
  PROFILE_ROWS,
  type GuessedPlan,
  type Side,
} from './metadata-columns';
import type { ItemMetadata } from './metadata';
import { CsvRecord } from './stream-csv';
import type { FeatureTable } from './types';
import { GrowableArray } from '../util/growable';

export interface MetadataBuilderOptions {
  /** File name, for messages and the result. */
  name: string;
  side: Side;
  /** A recognised layout, read as documented; null: columns guessed from the contents. */
  layout: KnownLayout | null;
  hasHeader: boolean;
}

/**
 * A string kept for the session that does not pin the chunk of text it was cut from (V8 makes
 * slices of 13+ characters views into their parent): concatenating, then slicing, copies it.
 */
function keep(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/** Field j of `r`, trimmed ('' when the record is shorter). */
function cell(r: CsvRecord, j: number): string {
  return j < r.length ? r.field(j).trim() : '';
}

/**
 * Feed it the records of a metadata file in order (`add`), then `finish()`. Entities are the
 * distinct non-empty ids in file order (the first row of an id wins); each gets its title and its
 * features, CSR over the ids, features numbered in order of first appearance.
 */
export class MetadataBuilder {
  private header: string[] | null = null;
  private firstRecord = true;
  /** Data rows held until the plan is guessed (null once it is). */
  private profile: string[][] | null = [];
  private plan: GuessedPlan | null = null;
  /** Per plan feature column: its index among the open numeric columns, or -1. */
  private openOf: number[] = [];
  private open: { index: number; source: string }[] = [];
  /** Per open numeric column: the numbers of every data row, and each entity's cell. */
  private numbers: GrowableArray<Float64Array>[] = [];
  private cells: string[][] = [];
  private dataRows = 0;
  private readonly entities = new IdTable();
  private readonly titles: (string | null)[] = [];
  private readonly featureIndex = new Map<string, number>();
  private readonly featureNames: string[] = [];
  private readonly offsets = new GrowableArray(Int32Array);
  /**
   * Per entity, in column order: feature indices (>= 0), and for an open numeric column -1 - its
   * open index (its cell gives the features at the end).
   */
  private readonly tokens = new GrowableArray(Int32Array);
  private readonly entityFeatures = new Set<number>();
  private readonly cellFeatures: string[] = [];

  constructor(private readonly options: MetadataBuilderOptions) {
    this.offsets.push(0);
    const { layout } = options;
    if (layout) {
      this.setPlan(planFromLayout(layout));
      if (!options.hasHeader) this.header = layout.columns.map((c) => c.name);
    }
  }

  /** Data rows read so far (for progress). */
  get rows(): number {
    return this.dataRows;
  }

  add(r: CsvRecord): void {
    if (this.firstRecord) {
      this.firstRecord = false;
      if (this.options.hasHeader) {
        this.header = r.toArray().map(keep);
        return;
      }
    }
    this.dataRows++;
    if (this.plan) return this.addRow(r);
    this.profile!.push(r.toArray());
    if (this.profile!.length >= PROFILE_ROWS) this.guessPlan();
  }

  /**
   * The metadata. Throws DataError when the file has no data rows or no row has an id.
   */
  finish(): ItemMetadata {
    const { name } = this.options;
    if (this.dataRows === 0)
      throw new DataError(name, 'the file has a header row but no data rows');
    if (!this.plan) this.guessPlan();
    const plan = this.plan!;
    const ids = this.entities.ids;
    if (ids.length === 0) {
      const column = this.header?.[plan.id]?.trim() || `column ${plan.id + 1}`;
      throw new DataError(name, `no row has an id in column "${column}"`);
    }
    const sources = [...new Set(plan.features.map((c) => c.source))];
    return {
      name,
      ids,
      titles: this.titles,
      features: this.open.length > 0 ? this.settle() : this.table(),
      featureColumn: sources.length > 0 ? sources.join(', ') : null,
      layout: this.options.layout?.label ?? null,
    };
  }

  private setPlan(plan: GuessedPlan): void {
    this.plan = plan;
    this.openOf = plan.features.map((c) => ('numeric' in c ? this.open.push(c) - 1 : -1));
    this.numbers = this.open.map(() => new GrowableArray(Float64Array));
    this.cells = this.open.map(() => []);
  }

  /** Guesses the plan from the rows held, then reads them. */
  private guessPlan(): void {
    const rows = this.profile!;
    this.profile = null;
    const width = rows.reduce((w, r) => Math.max(w, r.length), this.header?.length ?? 0);
    const header = this.header
      ? Array.from({ length: width }, (_, j) => this.header![j]?.trim() || `column ${j + 1}`)
      : generatedColumnNames(width);
    this.header = header;
    this.setPlan(guessColumns(header, rows, this.options.side));
    for (const row of rows) this.addRow(CsvRecord.of(row, 0));
  }

  private addRow(r: CsvRecord): void {
    const plan = this.plan!;
    for (let p = 0; p < this.open.length; p++) {
      const v = cell(r, this.open[p].index);
      if (isNumeric(v)) this.numbers[p].push(Number(v));
    }
    if (plan.id >= r.length) return;
    const source = r.sources[plan.id];
    const start = trimStart(source, r.starts[plan.id], r.ends[plan.id]);
    const end = trimEnd(source, start, r.ends[plan.id]);
    if (start === end) return;
    const before = this.entities.size;
    if (this.entities.intern(source, start, end) < before) return; // a repeated id
    this.titles.push(plan.title === null ? null : keep(cell(r, plan.title)) || null);
    const seen = this.entityFeatures;
    seen.clear();
    plan.features.forEach((col, k) => {
      if ('numeric' in col) {
        const p = this.openOf[k];
        this.cells[p].push(keep(cell(r, col.index)));
        this.tokens.push(-1 - p);
        return;
      }
      const out = this.cellFeatures;
      out.length = 0;
      col.features(cell(r, col.index), out);
      for (const featureName of out) {
        const f = this.intern(featureName);
        if (!seen.has(f)) {
          seen.add(f);
          this.tokens.push(f);
        }
      }
    });
    this.offsets.push(this.tokens.length);
  }

  private intern(featureName: string): number {
    let f = this.featureIndex.get(featureName);
    if (f === undefined) {
      f = this.featureNames.push(keep(featureName)) - 1;
      this.featureIndex.set(this.featureNames[f], f);
    }
    return f;
  }

  private table(): FeatureTable {
    return {
      names: this.featureNames,
      offsets: this.offsets.toArray(),
      values: this.tokens.toArray(),
    };
  }

  /**
   * The open numeric columns settled from all their numbers, and the features renumbered in the
   * order a reader of the whole file would have met them.
   */
  private settle(): FeatureTable {
    const columns = this.open.map((c, p) =>
      numericColumn(c.index, c.source, this.numbers[p].toArray()),
    );
    const offsets = this.offsets.toArray();
    const tokens = this.tokens.toArray();
    const index = new Map<string, number>();
    const names: string[] = [];
    const out = new Int32Array(offsets.length);
    const values = new GrowableArray(Int32Array);
    const seen = new Set<number>();
    const cellFeatures: string[] = [];
    const add = (featureName: string) => {
      let f = index.get(featureName);
      if (f === undefined) index.set(featureName, (f = names.push(featureName) - 1));
      if (!seen.has(f)) {
        seen.add(f);
        values.push(f);
      }
    };
    for (let e = 0; e + 1 < offsets.length; e++) {
      seen.clear();
      for (let k = offsets[e]; k < offsets[e + 1]; k++) {
        const t = tokens[k];
        if (t >= 0) {
          add(this.featureNames[t]);
          continue;
        }
        const p = -1 - t;
        cellFeatures.length = 0;
        columns[p].features(this.cells[p][e], cellFeatures);
        for (const featureName of cellFeatures) add(featureName);
      }
      out[e + 1] = values.length;
    }
    return { names, offsets: out, values: values.toArray() };
  }
}
