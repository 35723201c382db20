import { describe, expect, it } from 'vitest';
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
      input: 'ratings.csv',
      out: 'model/',
      items: 'movies.csv',
      top: 25,
      projectorUrl: 'https://example.org/m/',
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
      input: 'r.csv.gz',
      out: DEFAULT_OUT,
      items: null,
      top: DEFAULT_TOP,
      projectorUrl: '',
      overrides: { epochs: 3 },
    });
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
  ];
  it.each(bad)('rejects %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});
