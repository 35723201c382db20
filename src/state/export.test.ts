import { describe, expect, it } from 'vitest';
import { csvField, curvesCsv, recommendationsCsv, runsCsv } from './export';
import { DEFAULT_CONFIG } from '../core/training/config';
import type { RunRecord } from './lab-state';

const run = (id: number, model: string, epochs: number): RunRecord => ({
  id,
  model,
  config: { ...DEFAULT_CONFIG, model },
  feedback: 'explicit',
  userDays: id === 1 ? 6131 : 0,
  dataset: 'ratings, "small".csv',
  status: 'done',
  epochs,
  rmse: 0.85,
  selectedEpoch: epochs - 1,
  validated: true,
  test: { epoch: epochs - 1, rmse: 0.85, rows: 100 },
  secondsPerEpoch: 1.5,
  history: Array.from({ length: epochs }, (_, k) => ({
    epoch: k + 1,
    trainLoss: 1 / (k + 1),
    split: 'validation' as const,
    rmse: 0.9 - k / 100,
    seconds: 1.5,
  })),
});

describe('runs exports', () => {
  it('quotes fields with commas, quotes or line breaks only', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });

  it('writes one row per run with its settings and best metrics', () => {
    const lines = runsCsv([run(1, 'svdpp', 3), run(2, 'bpr', 2)])
      .trimEnd()
      .split('\n');
    expect(lines).toHaveLength(3);
    const head = lines[0].split(',');
    const first = lines[1].match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((f) => f.replace(/,$/, ''));
    const cell = (name: string) => first[head.indexOf(name)];
    expect(cell('model')).toBe('svdpp');
    expect(cell('dataset')).toBe('"ratings, ""small"".csv"');
    expect(cell('user_day_bias')).toBe('yes');
    expect(cell('test_rmse')).toBe('0.85');
    expect(cell('test_recall20')).toBe('');
    expect(cell('selected_epoch')).toBe('2');
    expect(cell('selected_on')).toBe('validation');
    expect(cell('validation_fraction')).toBe('0.1');
    expect(cell('genre_agreement')).toBe('');
  });

  it("writes a run's space quality and the settings it was measured under", () => {
    const r = {
      ...run(1, 'bpr', 2),
      dataset: 'plain.csv',
      space: {
        genreAgreement: 0.75,
        coOccurrenceOverlap: 0.25,
        lowSupportShare: NaN,
        k: 10,
        minSupport: 5,
        metric: 'shrunk-cosine' as const,
        users: { coOccurrenceOverlap: 0.125, lowSupportShare: 0 },
      },
    };
    const [head, row] = runsCsv([r]).trimEnd().split('\n');
    const cells = Object.fromEntries(head.split(',').map((h, k) => [h, row.split(',')[k]]));
    expect(cells).toMatchObject({
      genre_agreement: '0.75',
      cooccurrence_overlap: '0.25',
      low_support_share: '',
      space_k: '10',
      space_min_support: '5',
      space_metric: 'shrunk-cosine',
      user_cooccurrence_overlap: '0.125',
    });
  });

  it("writes the test report's ranked users and the sample's seed when sampled", () => {
    const ranking = {
      precision10: 0.1,
      recall10: 0.1,
      ndcg10: 0.1,
      hitRate10: 0.1,
      map10: 0.1,
      mrr10: 0.1,
      coverage10: 0.1,
      auc: null,
    };
    const sampled = { ...run(1, 'bpr', 2), dataset: 'plain.csv' };
    sampled.test = {
      ...sampled.test!,
      ranking: { ...ranking, users: 585, usersWithHeldOut: 6480, sampleSeed: 9 },
    };
    const whole = { ...run(2, 'bpr', 2), dataset: 'plain.csv' };
    whole.test = { ...whole.test!, ranking: { ...ranking, users: 610, usersWithHeldOut: 610 } };
    const [head, ...rows] = runsCsv([sampled, whole]).trimEnd().split('\n');
    const cells = rows.map((row) =>
      Object.fromEntries(head.split(',').map((h, k) => [h, row.split(',')[k]])),
    );
    expect(cells[0]).toMatchObject({
      ranking_users: '585',
      ranking_users_with_held_out: '6480',
      ranking_sample_seed: '9',
    });
    expect(cells[1]).toMatchObject({
      ranking_users: '610',
      ranking_users_with_held_out: '610',
      ranking_sample_seed: '',
    });
  });

  it('writes one row per run and epoch for the curves', () => {
    const lines = curvesCsv([run(1, 'svdpp', 3), run(2, 'bpr', 2)])
      .trimEnd()
      .split('\n');
    expect(lines[0]).toBe(
      'run,model,epoch,split,train_loss,rmse,mae,recall20,ndcg20,seconds,' +
        'genre_agreement,cooccurrence_overlap,low_support_share,user_cooccurrence_overlap',
    );
    expect(lines).toHaveLength(1 + 3 + 2);
    expect(lines[3]).toBe('1,svdpp,3,validation,0.3333333333333333,0.88,,,,1.5,,,,');
  });

  it("writes the map's quality on the epochs it was measured after", () => {
    const r = {
      ...run(1, 'bpr', 3),
      spaceHistory: [
        {
          epoch: 2,
          genreAgreement: 0.5,
          coOccurrenceOverlap: 0.25,
          lowSupportShare: 0,
          userCoOccurrenceOverlap: null,
        },
      ],
    };
    const lines = curvesCsv([r]).trimEnd().split('\n');
    expect(lines[1].endsWith(',,,,')).toBe(true); // epoch 1: not measured
    expect(lines[2].endsWith(',0.5,0.25,0,')).toBe(true);
  });
});

describe('recommendationsCsv', () => {
  it('writes user, rank, item and the full predicted score; stops at padding', () => {
    const d = {
      userIds: ['u1', 'u2'],
      itemIds: ['a', 'b,c', 'd'],
    } as unknown as Parameters<typeof recommendationsCsv>[0];
    const s = {
      globalBias: 3,
      userBias: Float32Array.from([0.5, -0.5]),
    } as unknown as Parameters<typeof recommendationsCsv>[1];
    const csv = recommendationsCsv(
      d,
      s,
      2,
      Int32Array.from([1, 0, 2, -1]),
      Float32Array.from([0.25, 0.125, 1, NaN]),
    );
    expect(csv).toBe('user,rank,item,score\nu1,1,"b,c",3.75000\nu1,2,a,3.62500\nu2,1,d,3.50000\n');
  });
});
