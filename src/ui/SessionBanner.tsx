/**
 * What the stored session says to the person: another tab holds it (with Take over), it was
 * taken over, a run was interrupted (with Resume), or something happened that is not an error
 * (the GPU context was lost and training went on). Statuses, not errors.
 */
import { useLab, useLabState } from './lab-context';

export function SessionBanner() {
  const lab = useLab();
  const tab = useLabState((s) => s.durable.tab);
  const interrupted = useLabState((s) => s.durable.interrupted);
  const notice = useLabState((s) => s.durable.notice);
  const training = useLabState(
    (s) => s.training.status === 'running' || s.training.status === 'paused',
  );
  return (
    <>
      {tab === 'elsewhere' && (
        <div className="restored" role="status">
          Another tab holds this session: what you do here is not kept.
          <button type="button" onClick={() => lab.durable.takeOver()}>
            Take over
          </button>
        </div>
      )}
      {tab === 'taken-over' && (
        <div className="restored" role="status">
          Another tab took this session over: what you do here is no longer kept.
        </div>
      )}
      {interrupted && !training && (
        <div className="restored" role="status">
          Training was interrupted at epoch {interrupted.epoch} of {interrupted.epochs}.{' '}
          {interrupted.resumeFrom === interrupted.epoch
            ? 'Resume goes on from that epoch’s stored tables'
            : `Resume goes on from epoch ${interrupted.resumeFrom}’s stored tables (the last kept; ` +
              `the epochs after it train again)`}
          ; the optimizer&apos;s moments start fresh (they are as large as the tables and are not
          stored).
          <button type="button" onClick={() => lab.resumeInterrupted()}>
            Resume
          </button>
        </div>
      )}
      {notice && (
        <div className="restored" role="status">
          {notice}
          <button
            type="button"
            className="link"
            aria-label="Dismiss notice"
            onClick={() => lab.store.set((s) => ({ durable: { ...s.durable, notice: null } }))}
          >
            ✕
          </button>
        </div>
      )}
    </>
  );
}
