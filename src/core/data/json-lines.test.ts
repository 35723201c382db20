import { describe, expect, it } from 'vitest';
import { looksLikeJsonLines, previewJsonLines } from './json-lines';
import { InteractionImport } from './stream-import';

const text = [
  '{"customer": "c1", "sku": "A-1", "stars": 5, "at": 1500000000}',
  '{"customer": "c2", "sku": "B\\n2", "stars": 3}',
  '',
  '{"sku": "A-1", "customer": "c2", "stars": 4, "extra": {"x": 1}}',
  'not json',
  '{"customer": "c3", "sku": "A-1", "stars": "many"}',
].join('\r\n');

describe('JSON Lines', () => {
  it('is recognised from its first line, and a CSV is not', () => {
    expect(looksLikeJsonLines(text)).toBe(true);
    expect(looksLikeJsonLines('\uFEFF' + text)).toBe(true);
    expect(looksLikeJsonLines('user,item\n1,2')).toBe(false);
    expect(looksLikeJsonLines('[1, 2]\n')).toBe(false);
  });

  it('previews the keys as columns in first-seen order', () => {
    const p = previewJsonLines(text, 2);
    expect(p.header).toEqual(['customer', 'sku', 'stars', 'at', 'extra']);
    expect(p.rows).toEqual([
      ['c1', 'A-1', '5', '1500000000', ''],
      ['c2', 'B\n2', '3', '', ''],
    ]);
  });

  it('streams into a data set: bad lines and bad values are reported with their line', () => {
    const keys = previewJsonLines(text).header;
    const target = new InteractionImport({
      name: 'orders.jsonl',
      format: 'jsonl',
      keys,
      delimiter: ',',
      hasHeader: false,
      mapping: { user: 0, item: 1, rating: 2, timestamp: null },
    });
    const bytes = new TextEncoder().encode(text);
    // In 7-byte pieces: lines and multi-byte characters cut anywhere.
    for (let i = 0; i < bytes.length; i += 7) target.push(bytes.subarray(i, i + 7));
    const d = target.finish();
    expect(d.user.length).toBe(3);
    expect(d.userIds).toEqual(['c1', 'c2']);
    expect(d.itemIds).toEqual(['A-1', 'B\n2']);
    expect(Array.from(d.rating)).toEqual([5, 3, 4]);
    expect(d.skippedRows).toBe(2);
    // The blank line is skipped, as in delimited text, and said (issue 20).
    expect(d.blankLines).toBe(1);
    expect(d.issues.map((i) => i.line)).toEqual([3, 5, 6]);
    expect(d.issues[0].message).toBe('1 blank line skipped');
    expect(d.issues[1].message).toBe('the line is not valid JSON: "not json"');
    expect(d.issues[2].message).toMatch(/many/);
  });
});
