import { describe, expect, it } from 'vitest';
import { DEFAULT_TUNE } from '../core/training/tuning';
import { DEFAULT_OUT, DEFAULT_TOP, parseArgs, USAGE, UsageError } from './args';

describe('command-line arguments', () => {
  it('reads a full train command, in both --flag value and --flag=value forms', () => {
    expect(
      parseArgs([
        'train',
        'ratings.csv',
        '--model',
        'bpr',
        '--epochs=20',
        '--dim',
        '16',
        '--lr',
        '0.005',
        '--batch-size',
        '1024',
        '--seed=7',
        '--split',
        'temporal',
        '--feedback',
        'implicit',
        '--items',
        'movies.csv',
        '--top',
        '25',
        '--out',
        'model/',
        '--projector-url=https://example.org/m/',
      ]),
    ).toEqual({
      command: 'train',
      tune: DEFAULT_TUNE,
      input: 'ratings.csv',
      out: 'model/',
      items: 'movies.csv',
      test: null,
      top: 25,
      projectorUrl: 'https://example.org/m/',
      engine: 'auto',
      backend: 'auto',
      overrides: {
        model: 'bpr',
        epochs: 20,
        dim: 16,
        learningRate: 0.005,
        batchSize: 1024,
        seed: 7,
        split: 'temporal',
        feedback: 'implicit',
      },
    });
  });

  it('has defaults for everything but the file, and options may come first', () => {
    expect(parseArgs(['train', '--epochs', '3', 'r.csv.gz'])).toEqual({
      command: 'train',
      tune: DEFAULT_TUNE,
      input: 'r.csv.gz',
      out: DEFAULT_OUT,
      items: null,
      test: null,
      top: DEFAULT_TOP,
      projectorUrl: '',
      engine: 'auto',
      backend: 'auto',
      overrides: { epochs: 3 },
    });
  });

  it('reads --backend, and names the backends when it is not one of them', () => {
    expect(parseArgs(['train', 'r.csv', '--backend', 'wasm'])).toMatchObject({ backend: 'wasm' });
    expect(parseArgs(['train', 'r.csv', '--backend=cpu'])).toMatchObject({ backend: 'cpu' });
    expect(() => parseArgs(['train', 'r.csv', '--backend', 'webgl'])).toThrow(
      '--backend must be one of auto, tensorflow, wasm, cpu; got "webgl"',
    );
    expect(USAGE).toContain('--backend <name>');
  });

  it('reads --test as the test file, which sets the split', () => {
    const args = parseArgs(['train', 'u1.base', '--test', 'u1.test', '--epochs', '2']);
    expect(args).toMatchObject({
      input: 'u1.base',
      test: 'u1.test',
      overrides: { split: 'test-file', epochs: 2 },
    });
    expect(parseArgs(['train', 'u1.base', '--split=test-file', '--test=u1.test'])).toMatchObject({
      test: 'u1.test',
      overrides: { split: 'test-file' },
    });
    expect(USAGE).toContain('--test <file>');
  });

  it('asks for help with no arguments, help, -h or --help anywhere', () => {
    for (const argv of [[], ['--help'], ['-h'], ['help'], ['train', 'r.csv', '--help']])
      expect(parseArgs(argv)).toEqual({ command: 'help' });
    expect(USAGE).toMatch(/^Usage: latent-lab train <ratings file> \[options\]/);
    expect(USAGE).toContain('--batch-size <n>');
    expect(USAGE).toContain('biased-mf');
  });

  const bad: [string[], RegExp][] = [
    [['fit', 'r.csv'], /unknown command "fit"/],
    [['train'], /train needs a ratings file/],
    [['train', 'a.csv', 'b.csv'], /train takes one ratings file, got 2: a\.csv b\.csv/],
    [['train', 'r.csv', '--epoch', '3'], /unknown option --epoch/],
    [['train', 'r.csv', '-e', '3'], /unknown option -e/],
    [['train', 'r.csv', '--epochs'], /--epochs needs a value/],
    [['train', 'r.csv', '--epochs', '--dim', '4'], /--epochs needs a value/],
    [
      ['train', 'r.csv', '--epochs', 'ten'],
      /--epochs must be a whole number from 1 to 1000, got "ten"/,
    ],
    [['train', 'r.csv', '--epochs', '2.5'], /--epochs must be a whole number/],
    [['train', 'r.csv', '--dim', '0'], /--dim must be a whole number from 1 to 512, got "0"/],
    [['train', 'r.csv', '--lr', '-1'], /--lr must be a number from 0.000001 to 10, got "-1"/],
    [['train', 'r.csv', '--lr='], /--lr must be a number/],
    [
      ['train', 'r.csv', '--model', 'svd'],
      /--model must be one of global-mean, .*biased-mf.*; got "svd"/,
    ],
    [['train', 'r.csv', '--split', 'time'], /--split must be one of random, temporal/],
    [['train', 'r.csv', '--feedback', 'both'], /--feedback must be one of explicit, implicit/],
    [['train', 'r.csv', '--top', '0'], /--top must be a whole number from 1 to 1000/],
    [['train', 'r.csv', '--out='], /--out needs a value/],
    [['train', 'r.csv', '--test='], /--test needs a value/],
    [
      ['train', 'u1.base', '--test', 'u1.test', '--split', 'temporal'],
      /--test makes the test file the test part; it cannot go with --split temporal/,
    ],
    [['train', 'u1.base', '--split', 'test-file'], /--split test-file needs the test file/],
  ];
  it.each(bad)('rejects %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});

describe('tune arguments', () => {
  it('reads the search’s method, trials and minutes, and names a bad one', () => {
    const a = parseArgs(['tune', 'r.csv', '--method', 'random', '--trials', '12', '--minutes=1.5']);
    expect(a.command === 'tune' && a.tune).toEqual({ method: 'random', trials: 12, minutes: 1.5 });
    expect(() => parseArgs(['tune', 'r.csv', '--trials', '1'])).toThrow(/--trials must be/);
    expect(() => parseArgs(['tune', 'r.csv', '--method', 'grid'])).toThrow(/--method must be/);
    expect(() => parseArgs(['tune'])).toThrow(/tune needs a ratings file/);
  });
  it('reads --engine and names a bad one', () => {
    expect(parseArgs(['train', 'r.csv', '--engine', 'cpu-parallel'])).toMatchObject({
      engine: 'cpu-parallel',
    });
    expect(parseArgs(['train', 'r.csv', '--engine=cpu'])).toMatchObject({ engine: 'cpu' });
    expect(() => parseArgs(['train', 'r.csv', '--engine', 'webgl'])).toThrow(
      /--engine must be one of auto, cpu-parallel, cpu; got "webgl"/,
    );
    expect(USAGE).toContain('--engine <name>');
  });
});
