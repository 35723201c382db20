import { afterEach, describe, expect, it, vi } from 'vitest';
import { canShare, sharedCopy } from './shared';
import { shareState, type TrainerState } from '../training/trainer-state';

const state = (): TrainerState => ({
  epoch: 3,
  model: 'biased-mf',
  params: [{ name: 'table:user', shape: [2, 2], values: Float32Array.of(1, 2, 3, 4) }],
});

describe('shared copies', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('copies into a SharedArrayBuffer, same type and values, the original untouched', () => {
    const a = Int32Array.of(5, -1, 7);
    const b = sharedCopy(a);
    expect(b).toBeInstanceOf(Int32Array);
    expect(b.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect([...b]).toEqual([5, -1, 7]);
    b[0] = 9;
    expect(a[0]).toBe(5);
  });

  it('shares an epoch’s checkpoint only where the context is cross-origin isolated', () => {
    const s = state();
    expect(canShare()).toBe(false); // Node: no cross-origin isolation
    expect(shareState(s)).toBe(s);
    vi.stubGlobal('crossOriginIsolated', true);
    const shared = shareState(s);
    expect(shared.params[0].values.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared).toEqual({ ...s, params: [{ ...s.params[0], values: expect.anything() }] });
    expect([...shared.params[0].values]).toEqual([1, 2, 3, 4]);
    expect(s.params[0].values.buffer).toBeInstanceOf(ArrayBuffer);
  });
});
