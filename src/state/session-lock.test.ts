import { describe, expect, it } from 'vitest';
import { SessionLock, type LockManagerLike } from './session-lock';

/** Web Locks as the spec has them, for one exclusive lock: ifAvailable, steal, release. */
class FakeLocks implements LockManagerLike {
  private holder: { abort: (e: Error) => void } | null = null;
  private queue: (() => void)[] = [];

  request(
    _name: string,
    options: { ifAvailable?: boolean; steal?: boolean },
    callback: (lock: unknown) => Promise<void> | void,
  ): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const grant = () => {
        this.holder = { abort: reject };
        Promise.resolve(callback({})).then(() => {
          if (this.holder?.abort === reject) {
            this.holder = null;
            this.queue.shift()?.();
          }
          resolve(undefined);
        });
      };
      if (options.steal) {
        const old = this.holder;
        this.holder = null;
        old?.abort(new Error('AbortError'));
        grant();
      } else if (!this.holder) grant();
      else if (options.ifAvailable) Promise.resolve(callback(null)).then(resolve);
      else this.queue.push(grant);
    });
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('SessionLock', () => {
  it('the first tab holds the session; a second finds it taken', async () => {
    const locks = new FakeLocks();
    const first = new SessionLock(locks, () => undefined);
    const second = new SessionLock(locks, () => undefined);
    expect(await first.acquire()).toBe('holder');
    expect(await second.acquire()).toBe('elsewhere');
  });

  it('taking over breaks the first tab’s hold and tells it', async () => {
    const locks = new FakeLocks();
    const lost: string[] = [];
    const first = new SessionLock(locks, () => lost.push('first'));
    const second = new SessionLock(locks, () => lost.push('second'));
    await first.acquire();
    await second.acquire();
    expect(await second.takeOver()).toBe('holder');
    await tick();
    expect(lost).toEqual(['first']);
    // The session is the second tab's now: a third tab finds it taken.
    expect(await new SessionLock(locks, () => undefined).acquire()).toBe('elsewhere');
  });

  it('a released session is free for the next tab', async () => {
    const locks = new FakeLocks();
    const first = new SessionLock(locks, () => undefined);
    await first.acquire();
    first.dispose();
    await tick();
    expect(await new SessionLock(locks, () => undefined).acquire()).toBe('holder');
  });

  it('without Web Locks every tab keeps the session, as before', async () => {
    expect(await new SessionLock(null, () => undefined).acquire()).toBe('unsupported');
  });
});
