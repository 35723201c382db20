/**
 * The command line: `latent-lab train|tune <file> [options]`, parsed into a typed request. Pure (no
 * Node APIs) so it is tested on its own; every mistake is a UsageError whose message names the
 * option and what is wrong, shown without a stack trace.
 */
import { MODELS } from '../core/models/catalog';
import { DEFAULT_CONFIG, LIMITS, SPLITS, type TrainConfig } from '../core/training/config';
import { DEFAULT_TUNE, type TuneBudget } from '../core/training/tuning';

/** `--engine` (engine.ts): tfjs on the Node backend, the row engine, or the faster of both. */
export const CLI_ENGINES = ['auto', 'cpu-parallel', 'cpu'] as const;
export type CliEngine = (typeof CLI_ENGINES)[number];
/** tfjs backends in Node (see backend.ts); 'auto': tfjs-node, else wasm, else cpu. */
export const NODE_BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type NodeBackend = (typeof NODE_BACKENDS)[number];

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface TrainArgs {
  /** train: one run and its outputs; tune: a search on the validation part (runs.csv only). */
  command: 'train' | 'tune';
  /** The search's budget (tune). */
  tune: TuneBudget;
  /** The interactions file (CSV, TSV, .dat, JSON Lines, gzip or not; or Parquet). */
  input: string;
  /** Output folder, created when missing. */
  out: string;
  /** Settings given on the command line, over the model's defaults. */
  overrides: Partial<TrainConfig>;
  /** Item metadata file (titles become labels), or null. */
  items: string | null;
  /**
   * A test file (MovieLens u1.test beside u1.base) in the ratings file's layout: the test part of
   * the 'test-file' split, which it sets. Null: the split carves the test part.
   */
  test: string | null;
  /** Recommendations per user. */
  top: number;
  /** Base URL written into projector_config.json's paths ('' = relative). */
  projectorUrl: string;
  /** The training engine (engine.ts): 'auto' times them and takes the faster. */
  engine: CliEngine;
  /** The tfjs backend (`--backend`; 'auto': tfjs-node, else wasm, else cpu). */
  backend: NodeBackend;
}

export type CliArgs = { command: 'help' } | TrainArgs;

export const DEFAULT_OUT = 'latent-lab-out';
export const DEFAULT_TOP = 10;

/** Numeric options: flag -> config field (range and integrality come from LIMITS). */
const NUMERIC: Record<string, keyof typeof LIMITS> = {
  epochs: 'epochs',
  dim: 'dim',
  lr: 'learningRate',
  'batch-size': 'batchSize',
  seed: 'seed',
  'test-fraction': 'testFraction',
  validation: 'validationFraction',
  folds: 'folds',
  patience: 'patience',
  l2: 'l2',
};
const TEXT = [
  'model',
  'split',
  'feedback',
  'items',
  'test',
  'top',
  'out',
  'trials',
  'minutes',
  'method',
  'projector-url',
  'engine',
  'backend',
];

const modelNames = MODELS.map((m) => m.name);

/** The model names in lines that fit a terminal, continued under the option's description. */
function wrappedNames(indent: number, width = 96): string {
  const lines = [''];
  for (const name of modelNames) {
    const piece = `${name}, `;
    if (indent + lines[lines.length - 1].length + piece.length > width) lines.push('');
    lines[lines.length - 1] += piece;
  }
  return lines
    .map((l) => l.trimEnd())
    .join(`\n${' '.repeat(indent)}`)
    .replace(/,$/, '');
}

export const USAGE = `Usage: latent-lab train <ratings file> [options]
       latent-lab tune <ratings file> [options] [--method halving|random] [--trials n] [--minutes x]

train: trains a recommender model in Node with TensorFlow.js and writes the model, its embeddings,
every user's recommendations and the run's metrics.

tune: searches the model's learning rate, L2 and size around the given settings on the validation
part (successive halving by default: ${DEFAULT_TUNE.trials} trials, the best third continue with 3x
the epochs; or random search), for at most --minutes (default ${DEFAULT_TUNE.minutes}; 0: no limit). Prints each
trial and the best settings as options for train, and writes runs.csv (every trial, its test
metrics at its selected epoch).

The ratings file: CSV, TSV, MovieLens ratings.csv / ratings.dat / u.data or JSON Lines, plain or
gzip-compressed, or Parquet. Columns are recognised as in the app (user, item, rating, timestamp).

Options:
  --model <name>      ${wrappedNames(22)}
                      (default ${DEFAULT_CONFIG.model})
  --epochs <n>        epochs to train (default: the model's, ${DEFAULT_CONFIG.epochs} for ${DEFAULT_CONFIG.model})
  --dim <n>           embedding dimensions (default: the model's, ${DEFAULT_CONFIG.dim})
  --lr <x>            learning rate (default: the model's, ${DEFAULT_CONFIG.learningRate})
  --batch-size <n>    rows per training step (default ${DEFAULT_CONFIG.batchSize})
  --seed <n>          seed of the split and the initial weights (default ${DEFAULT_CONFIG.seed})
  --split <name>      held-out rows: ${SPLITS.join(', ')} (default ${DEFAULT_CONFIG.split})
  --test <file>       a test file in the ratings file's layout (e.g. u1.test beside u1.base): the
                      ratings file trains, this file is the test part (sets --split test-file);
                      its rows whose user or item the ratings file lacks are counted and left out
  --test-fraction <x> share of rows (items, users) in the test part (default ${DEFAULT_CONFIG.testFraction})
  --validation <x>    share of the training part held out for validation, which picks the epoch
                      and early stopping read; the test part is scored once, at that epoch
                      (default ${DEFAULT_CONFIG.validationFraction}; 0: none, the last epoch is kept)
  --folds <k>         k-fold cross-validation: k trainings, each fold the test part once; the
                      result is the folds' mean and standard deviation (default 1: one split)
  --patience <n>      stop when validation has not improved for n epochs (default: off)
  --l2 <x>            L2 regularisation (default: the model's)
  --feedback <kind>   explicit or implicit, for models that train on either
  --items <file>      item metadata (e.g. MovieLens movies.csv): titles label the items
  --top <k>           recommendations per user (default ${DEFAULT_TOP})
  --out <dir>         output folder, created if missing (default ${DEFAULT_OUT})
  --engine <name>     ${CLI_ENGINES.join(', ')}: tfjs on the Node backend (cpu), or the typed-array
                      row engine on one worker thread per core (cpu-parallel; biased MF, BPR and
                      the other models with a row kernel); auto times both on the data and takes
                      the faster (default auto)
  --projector-url <u> where the output folder will be served from: projector_config.json then
                      names vectors.tsv and metadata.tsv by full address (the standalone
                      projector resolves relative paths against its own page)
  --backend <name>    tfjs backend: ${NODE_BACKENDS.join(', ')} (default auto: tfjs-node when
                      installed, else wasm, else cpu)
  -h, --help          show this help

Writes model.json + weights.bin (TensorFlow.js weights manifest and weights, read with tf.io),
vectors.tsv + metadata.tsv + projector_config.pbtxt (TensorBoard's projector plugin: use the
output folder as --logdir) + projector_config.json (the standalone projector),
recommendations.csv, runs.csv and curves.csv. Trains on @tensorflow/tfjs-node when it is installed, else on tfjs wasm, else on tfjs cpu (--backend picks one).

Example:
  npx latent-lab train ratings.csv --model biased-mf --epochs 20 --items movies.csv --out model/
`;

function numberOption(flag: string, raw: string): number {
  const key = NUMERIC[flag];
  const { min, max, integer } = LIMITS[key];
  const v = raw.trim() === '' ? NaN : Number(raw);
  const what = integer ? 'a whole number' : 'a number';
  if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v)))
    throw new UsageError(`--${flag} must be ${what} from ${min} to ${max}, got "${raw}"`);
  return v;
}

function oneOf<T extends string>(flag: string, raw: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(raw))
    throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}; got "${raw}"`);
  return raw as T;
}

/** Parses argv (without `node` and the script). Throws UsageError for anything it cannot use. */
export function parseArgs(argv: readonly string[]): CliArgs {
  if (argv.length === 0 || argv.some((a) => a === '--help' || a === '-h' || a === 'help'))
    return { command: 'help' };
  const [command, ...rest] = argv;
  if (command !== 'train' && command !== 'tune')
    throw new UsageError(
      `unknown command "${command}"; the commands are "train" and "tune" (see --help)`,
    );
  const tune: TuneBudget = { ...DEFAULT_TUNE };
  const overrides: Partial<TrainConfig> = {};
  const positional: string[] = [];
  let items: string | null = null;
  let test: string | null = null;
  let top = DEFAULT_TOP;
  let out = DEFAULT_OUT;
  let projectorUrl = '';
  let engine: CliEngine = 'auto';
  let backend: NodeBackend = 'auto';
  for (let k = 0; k < rest.length; k++) {
    const arg = rest[k];
    if (!arg.startsWith('--') || arg === '--') {
      if (arg.startsWith('-') && arg !== '-' && arg !== '--')
        throw new UsageError(`unknown option ${arg} (see --help)`);
      if (arg !== '--') positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = arg.slice(2, eq < 0 ? undefined : eq);
    if (!(flag in NUMERIC) && !TEXT.includes(flag))
      throw new UsageError(`unknown option --${flag} (see --help)`);
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (k + 1 < rest.length && !rest[k + 1].startsWith('--')) value = rest[++k];
    else throw new UsageError(`--${flag} needs a value`);
    if (flag in NUMERIC) overrides[NUMERIC[flag]] = numberOption(flag, value);
    else if (flag === 'model') overrides.model = oneOf(flag, value, modelNames);
    else if (flag === 'split') overrides.split = oneOf(flag, value, SPLITS);
    else if (flag === 'feedback')
      overrides.feedback = oneOf(flag, value, ['explicit', 'implicit'] as const);
    else if (flag === 'engine') engine = oneOf(flag, value, CLI_ENGINES);
    else if (flag === 'backend') backend = oneOf(flag, value, NODE_BACKENDS);
    else if (flag === 'method') tune.method = oneOf(flag, value, ['halving', 'random'] as const);
    else if (flag === 'trials' || flag === 'minutes') {
      const v = Number(value);
      const ok = flag === 'trials' ? Number.isInteger(v) && v >= 2 && v <= 81 : v >= 0 && v <= 600;
      if (value.trim() === '' || !ok)
        throw new UsageError(
          flag === 'trials'
            ? `--trials must be a whole number from 2 to 81, got "${value}"`
            : `--minutes must be a number from 0 to 600, got "${value}"`,
        );
      tune[flag] = v;
    } else if (flag === 'top') {
      top = Number(value);
      if (!Number.isInteger(top) || top < 1 || top > 1000)
        throw new UsageError(`--top must be a whole number from 1 to 1000, got "${value}"`);
    } else if (value.trim() === '') throw new UsageError(`--${flag} needs a value`);
    else if (flag === 'items') items = value;
    else if (flag === 'test') test = value;
    else if (flag === 'projector-url') projectorUrl = value.trim();
    else out = value;
  }
  if (positional.length === 0)
    throw new UsageError(
      `${command} needs a ratings file: latent-lab ${command} ratings.csv [options]`,
    );
  if (positional.length > 1)
    throw new UsageError(
      `${command} takes one ratings file, got ${positional.length}: ${positional.join(' ')}`,
    );
  // The test file is the split: another split with it, or the split without it, is a mistake.
  if (test !== null) {
    if (overrides.split !== undefined && overrides.split !== 'test-file')
      throw new UsageError(
        `--test makes the test file the test part; it cannot go with --split ${overrides.split}`,
      );
    overrides.split = 'test-file';
  } else if (overrides.split === 'test-file')
    throw new UsageError('--split test-file needs the test file: --test <file>');
  return {
    command,
    tune,
    input: positional[0],
    out,
    overrides,
    items,
    test,
    top,
    projectorUrl,
    engine,
    backend,
  };
}
