import { describe, expect, it } from 'vitest';
import { drawSample, setIfChanged } from './draw-sample';

describe('drawSample', () => {
  it('draws every visible point when they fit the limit, or when there is none', () => {
    const visible = new Float32Array([1, 0, 1, 1]);
    const out = new Uint32Array(4);
    expect(drawSample(visible, new Float32Array(4), null, out)).toBeNull();
    expect(drawSample(visible, new Float32Array(4), 3, out)).toBeNull();
  });

  it('keeps every k-th visible point and every emphasised one, in index order', () => {
    const n = 1000;
    const visible = new Float32Array(n).fill(1);
    for (let i = 0; i < n; i += 10) visible[i] = 0; // 900 visible
    const emphasis = new Float32Array(n);
    emphasis[7] = 2;
    emphasis[500] = 1; // hidden: emphasis does not draw a hidden point
    visible[500] = 0;
    const out = new Uint32Array(n);
    const drawn = drawSample(visible, emphasis, 100, out)!;
    const picked = [...out.subarray(0, drawn)];
    expect(picked.every((i) => visible[i] === 1)).toBe(true);
    expect(picked).toContain(7);
    expect(picked).not.toContain(500);
    expect([...picked].sort((a, b) => a - b)).toEqual(picked);
    // 899 visible at stride 9: 100 sampled, plus the emphasised point if it was not one of them.
    expect(drawn).toBeGreaterThanOrEqual(100);
    expect(drawn).toBeLessThanOrEqual(101);
  });
});

describe('setIfChanged', () => {
  it('copies and says so only when the values differ', () => {
    const target = new Float32Array([1, 2, 3]);
    expect(setIfChanged(target, [1, 2, 3])).toBe(false);
    expect(setIfChanged(target, new Uint8Array([1, 0, 3]))).toBe(true);
    expect([...target]).toEqual([1, 0, 3]);
  });
});
