import { describe, expect, it } from 'vitest';
import { bar, bytes, duration, plural, Progress } from './progress';

function terminal(isTTY: boolean) {
  const t = { text: '', isTTY, columns: 30, write: (s: string) => (t.text += s) };
  return t;
}

describe('terminal progress', () => {
  it('draws bars, sizes and durations', () => {
    expect(bar(0, 10)).toBe('[>         ]');
    expect(bar(0.5, 10)).toBe('[=====>    ]');
    expect(bar(1, 10)).toBe('[==========]');
    expect(bar(NaN, 4)).toBe('[>   ]');
    expect(bytes(999)).toBe('999 B');
    expect(bytes(1_360_000)).toBe('1.36 MB');
    expect(duration(4.25)).toBe('4.3 s');
    expect(duration(125)).toBe('2 min 05 s');
    expect(plural(1, 'epoch')).toBe('1 epoch');
    expect(plural(1200, 'row')).toBe('1,200 rows');
  });

  it('redraws one clipped line on a TTY, at most every 100 ms unless forced', () => {
    let now = 0;
    const t = terminal(true);
    const p = new Progress(t, () => now);
    p.update('a'.repeat(50));
    p.update('skipped: too soon');
    now = 150;
    p.update('b');
    p.line('done');
    expect(t.text).toBe(`\r${'a'.repeat(29)}\x1b[K\rb\x1b[K\r\x1b[Kdone\n`);
  });

  it('writes only the lasting lines elsewhere, so logs stay readable', () => {
    const t = terminal(false);
    const p = new Progress(t);
    p.update('epoch 0.5/2', true);
    p.line('epoch 1/2');
    p.clear();
    expect(t.text).toBe('epoch 1/2\n');
  });
});
