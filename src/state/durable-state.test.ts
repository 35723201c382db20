import { describe, expect, it } from 'vitest';
import { epochCommitDelay, RUN_COMMIT_MS } from './durable-state';

describe("a finished epoch's commit", () => {
  it('is at once for the first epoch, an epoch slower than the interval, and a run that ended', () => {
    expect(epochCommitDelay('running', -Infinity, 50)).toBe(0);
    expect(epochCommitDelay('running', 1000, 1000 + RUN_COMMIT_MS + 1)).toBe(0);
    for (const status of ['done', 'stopped', 'error', 'paused'])
      expect(epochCommitDelay(status, 1000, 1010)).toBe(0);
  });

  it("waits for the rest of the interval while a fast run's epochs keep coming", () => {
    expect(epochCommitDelay('running', 1000, 1015)).toBe(RUN_COMMIT_MS - 15);
    expect(epochCommitDelay('running', 1000, 1000 + RUN_COMMIT_MS - 1)).toBe(1);
  });
});
