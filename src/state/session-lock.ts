/**
 * One tab at a time keeps the session: a Web Lock (`navigator.locks`) held for the tab's life.
 * A second tab on the same origin finds it taken, keeps nothing, and may take the session over
 * (`steal`): the first tab's lock is then broken, and it stops writing and says so. The lock
 * manager is injected, so the hand-over is tested with a fake.
 */

/** The part of the Web Locks API used here. */
export interface LockManagerLike {
  request(
    name: string,
    options: { ifAvailable?: boolean; steal?: boolean },
    callback: (lock: unknown) => Promise<void> | void,
  ): Promise<unknown>;
}

/** holder: this tab keeps the session; elsewhere: another tab does; taken-over: it was ours. */
export type TabRole = 'holder' | 'elsewhere' | 'taken-over' | 'unsupported';

export const SESSION_LOCK = 'latent-lab-session';

export class SessionLock {
  private release: (() => void) | null = null;

  constructor(
    private readonly locks: LockManagerLike | null,
    /** Called when another tab takes the session over. */
    private readonly onLost: () => void,
    private readonly name = SESSION_LOCK,
  ) {}

  /**
   * Takes the session when no other tab holds it. Without Web Locks (an old browser), every
   * tab keeps the session, as before ('unsupported').
   */
  acquire(): Promise<TabRole> {
    return this.hold({ ifAvailable: true });
  }

  /** Takes the session from the tab that holds it; resolves once this tab holds it. */
  async takeOver(): Promise<TabRole> {
    return this.hold({ steal: true });
  }

  /** Lets the session go (the page is closing, or another tab may have it). */
  dispose(): void {
    this.release?.();
    this.release = null;
  }

  private hold(options: { ifAvailable?: boolean; steal?: boolean }): Promise<TabRole> {
    const locks = this.locks;
    if (!locks) return Promise.resolve('unsupported');
    return new Promise<TabRole>((resolve) => {
      let held = false;
      locks
        .request(this.name, options, (lock) => {
          if (!lock) {
            resolve('elsewhere');
            return;
          }
          held = true;
          resolve('holder');
          // Held until released: the callback's promise is the lock's life.
          return new Promise<void>((done) => (this.release = done));
        })
        .catch(() => {
          // A stolen lock rejects its request (AbortError): another tab has the session now.
          if (held) {
            this.release = null;
            this.onLost();
          } else resolve('elsewhere');
        });
    });
  }
}
