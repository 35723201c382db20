/**
 * The typed shapes that flow through the app: file -> Dataset -> trainer -> EmbeddingSnapshot.
 * Interactions are columns of typed arrays (one entry per kept row), never arrays of objects.
 */

/** Dense 0-based index into `Dataset.userIds`. */
export type UserIndex = number & { readonly __brand: 'UserIndex' };
/** Dense 0-based index into `Dataset.itemIds`. */
export type ItemIndex = number & { readonly __brand: 'ItemIndex' };

export type InteractionKind = 'explicit' | 'implicit';

export interface ParseIssue {
  /** 1-based line number in the file the problem was found in (0 when not tied to a line). */
  line: number;
  message: string;
}

/**
 * A multi-valued categorical feature per entity (e.g. a movie's genres), stored as CSR:
 * the features of entity e are `values[offsets[e] .. offsets[e+1])`, each an index into `names`.
 */
export interface FeatureTable {
  names: string[];
  offsets: Int32Array; // length = entities + 1
  values: Int32Array; // feature indices
}

/**
 * Timestamps in the file's unit: Uint32Array when every value is a whole number in [0, 2^32)
 * (Unix seconds: 4 bytes a row), else Float64Array (see timestamps.ts).
 */
export type Timestamps = Uint32Array | Float64Array;

export interface Dataset {
  /** File name, or "MovieLens latest-small (sample)". */
  name: string;
  kind: InteractionKind;
  /** Per-row dense user index, length = rows. */
  user: Int32Array;
  /** Per-row dense item index, length = rows. */
  item: Int32Array;
  /** Per-row rating (explicit) or weight (implicit; 1 when the file has no value column). */
  rating: Float32Array;
  /** Per-row timestamp in the file's unit, or null when the file has none. */
  timestamp: Timestamps | null;
  /** Original string ids; index = dense index. */
  userIds: string[];
  itemIds: string[];
  /** Display label per item (title from metadata, else the id). */
  itemLabels: string[];
  /** Item features (e.g. genres), CSR over items. Empty table when no metadata. */
  itemFeatures: FeatureTable;
  /** User features (e.g. attributes), CSR over users. Empty table when no metadata. */
  userFeatures: FeatureTable;
  /** Smallest and largest rating kept. */
  ratingMin: number;
  ratingMax: number;
  /** Rows rejected while parsing (each explained in `issues`, first 100 kept). */
  skippedRows: number;
  /**
   * Blank lines skipped while parsing (empty or whitespace only; RFC 4180 would make each a
   * record of one empty field), noted once in `issues`. Absent: none, or not read from text.
   */
  blankLines?: number;
  /**
   * Lines read as the continuation of the row above them (a quoted field holding line breaks),
   * noted once in `issues`: kept + skipped + these = the file's non-blank data lines.
   */
  continuationLines?: number;
  issues: ParseIssue[];
}

export function emptyFeatureTable(entities: number): FeatureTable {
  return { names: [], offsets: new Int32Array(entities + 1), values: new Int32Array(0) };
}

export function datasetRows(d: Dataset): number {
  return d.user.length;
}

/** The learned parameters of a factor model, as read back from the backend after an epoch. */
export interface EmbeddingSnapshot {
  epoch: number;
  dim: number;
  /** users x dim, row-major. */
  userFactors: Float32Array;
  /** items x dim, row-major. */
  itemFactors: Float32Array;
  /** Per-user and per-item additive bias (zeros for models without biases). */
  userBias: Float32Array;
  itemBias: Float32Array;
  globalBias: number;
  /**
   * Metadata features' own embeddings, features x dim, in the order of the data set's
   * `itemFeatures.names` / `userFeatures.names` (models that learn them: hybrid, fm).
   */
  itemFeatureFactors?: Float32Array;
  userFeatureFactors?: Float32Array;
  /**
   * Models whose user vector is a forward pass over the user's items (AutoRec, YouTube DNN): the
   * weights of that pass, so a new user can be folded in without retraining (fold-in-forward.ts).
   */
  userEncoder?: UserEncoder;
}

/**
 * The user side of a forward-pass model. AutoRec: u = sigmoid(x W + b), x the user's ratings
 * (explicit) or 1s (implicit) over items. YouTube DNN: u = relu(relu(mean(E[x]) L1 + b1) L2 + b2),
 * with only the first `dim` rows of L1 read (the user-feature half is zero for a new user).
 */
export type UserEncoder =
  | {
      kind: 'autorec';
      /** W, items x hidden (hidden = the snapshot's dim). */
      weights: Float32Array;
      /** b, hidden. */
      bias: Float32Array;
    }
  | {
      kind: 'youtube-dnn';
      /** E, items x dim: the items' input embeddings. */
      inputs: Float32Array;
      /** L1, (dim or 2 dim) x hidden; b1, hidden. */
      layer1: Float32Array;
      bias1: Float32Array;
      /** L2, hidden x dim; b2, dim. */
      layer2: Float32Array;
      bias2: Float32Array;
      hidden: number;
    };

/** Interactions with dense indices, one row each: a training, validation or test part. */
export interface Interactions {
  user: Int32Array;
  item: Int32Array;
  /** The rating (explicit) or 1 (implicit). */
  rating: Float32Array;
}
