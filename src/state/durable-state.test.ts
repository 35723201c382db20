import { describe, expect, it } from 'vitest';
import { epochCommitDelay, RUN_COMMIT_BYTES_PER_SECOND, RUN_COMMIT_MS } from './durable-state';

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

  it('spaces a large session’s commits by their bytes at the run’s byte rate', () => {
    // A session of 10 seconds' worth of bytes: the next commit waits out the 10 s.
    const bytes = 10 * RUN_COMMIT_BYTES_PER_SECOND;
    expect(epochCommitDelay('running', 1000, 2000, bytes)).toBe(9000);
    expect(epochCommitDelay('running', 1000, 11_000, bytes)).toBe(0);
    // A small one keeps the time floor; a run's end commits at once whatever the size.
    expect(epochCommitDelay('running', 1000, 1500, 1000)).toBe(RUN_COMMIT_MS - 500);
    expect(epochCommitDelay('done', 1000, 1001, bytes)).toBe(0);
  });
});
