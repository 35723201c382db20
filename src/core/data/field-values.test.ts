import { describe, expect, it } from 'vitest';
import { isTrimSpace, readNumber, readTimestamp } from './field-values';
import { IdTable } from './id-table';
import { mulberry32 } from '../util/random';

/** The reference: what build.ts did with a field string before reading from ranges. */
function parseNumber(field: string): number {
  const t = field.trim();
  if (t === '') return NaN;
  const v = Number(t);
  return Number.isFinite(v) ? v : NaN;
}

const read = (s: string): number => readNumber(`<${s}>`, 1, s.length + 1);

describe('readNumber', () => {
  it('gives exactly Number(field.trim()) for finite numbers, else NaN', () => {
    const fixed = [
      '',
      ' ',
      '\u00a0',
      '0',
      '-0',
      '+0',
      '-0.0',
      '4',
      '3.5',
      '.5',
      '5.',
      '.',
      '-',
      '+',
      '+.5',
      ' 4.0 ',
      '007',
      '1e3',
      '1E-2',
      '0x1F',
      '0b11',
      'Infinity',
      '-Infinity',
      'NaN',
      '1_000',
      '1.2.3',
      '--1',
      '4,5',
      '123456789012345',
      '1234567890123456',
      '0.1',
      '0.30000000000000004',
      '9007199254740993',
      '964982703',
      '1.7976931348623157e309',
      '١٢',
    ];
    for (const s of fixed) expect(Object.is(read(s), parseNumber(s)), JSON.stringify(s)).toBe(true);

    // Random decimals of every length, signs and spacing: the fast path must round like Number.
    const random = mulberry32(3);
    const digit = (): string => String(Math.floor(random() * 10));
    for (let t = 0; t < 20000; t++) {
      let s = random() < 0.2 ? '-' : random() < 0.1 ? '+' : '';
      const whole = Math.floor(random() * 12);
      const frac = Math.floor(random() * 12);
      for (let k = 0; k < whole; k++) s += digit();
      if (frac > 0 || random() < 0.1) s += '.';
      for (let k = 0; k < frac; k++) s += digit();
      if (random() < 0.1) s = ` ${s}\t`;
      expect(Object.is(read(s), parseNumber(s)), s).toBe(true);
    }
  });

  it('reads timestamps as numbers or ISO dates in epoch seconds', () => {
    expect(readTimestamp('x,978300760', 2, 11)).toBe(978300760);
    const iso = '2001-01-01T00:00:00Z';
    expect(readTimestamp(iso, 0, iso.length)).toBe(978307200);
    expect(readTimestamp('yesterday', 0, 9)).toBeNaN();
  });
});

describe('IdTable', () => {
  it('maps ids to dense indices in order of first appearance, like a Map', () => {
    const random = mulberry32(11);
    const pool = [
      ...Array.from({ length: 3000 }, (_, k) => String(k * 1024)), // patterned numbers
      ...Array.from({ length: 3000 }, (_, k) => `u${k}`),
      ...['0', '00', '007', '7', '+7', '-7', '1000000000', '999999999', 'é', '日本', '😀', ''],
      'a-long-identifier-over-13-characters',
    ];
    const table = new IdTable();
    const reference = new Map<string, number>();
    for (let t = 0; t < 30000; t++) {
      const id = pool[Math.floor(random() * pool.length)];
      const text = `;${id};`; // read from a range, not a whole string
      if (!reference.has(id)) reference.set(id, reference.size);
      expect(table.intern(text, 1, id.length + 1)).toBe(reference.get(id));
    }
    expect(table.ids).toEqual([...reference.keys()]);
    expect(table.size).toBe(reference.size);
  });
});

describe('isTrimSpace', () => {
  it('is exactly what String.prototype.trim removes', () => {
    const wrong: number[] = [];
    for (let c = 0; c < 0x10000; c++) {
      if (isTrimSpace(c) !== (String.fromCharCode(c).trim() === '')) wrong.push(c);
    }
    expect(wrong).toEqual([]);
  });
});
