/**
 * The training worker's recommendation jobs (every user's top-k, for the exports): each request
 * gets an id, its progress and its answer come back as events with that id.
 */
import type { RecommendRequest, TrainingEvent } from '../worker/training/protocol';

/** Top-k items per user, users x k row-major (see RecommendRequest). */
export interface TopK {
  item: Int32Array;
  score: Float32Array;
}

type Job = {
  resolve: (r: TopK) => void;
  reject: (e: Error) => void;
  progress: (f: number) => void;
};

export class RecommendJobs {
  private readonly jobs = new Map<number, Job>();
  private nextId = 1;

  /** Sends a job through `send`; resolves with its answer, rejects with the worker's message. */
  start(
    send: (req: RecommendRequest) => void,
    req: Omit<RecommendRequest, 'type' | 'id'>,
    progress: (f: number) => void,
  ): Promise<TopK> {
    const id = this.nextId++;
    return new Promise<TopK>((resolve, reject) => {
      this.jobs.set(id, { resolve, reject, progress });
      send({ type: 'recommend', id, ...req });
    });
  }

  /** Takes a job's event; false when the event is not a job's. */
  onEvent(e: TrainingEvent): boolean {
    switch (e.type) {
      case 'recommend-progress':
        this.jobs.get(e.id)?.progress(e.done / Math.max(1, e.total));
        return true;
      case 'recommendations':
      case 'recommend-error': {
        const job = this.jobs.get(e.id);
        this.jobs.delete(e.id);
        if (e.type === 'recommendations') job?.resolve(e);
        else job?.reject(new Error(e.message));
        return true;
      }
      default:
        return false;
    }
  }
}
