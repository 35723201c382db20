/**
 * The space-quality worker's logic as a plain class (tested in Node): keeps the data set's sparse
 * incidence and the ItemKNN lists of the measured items, built once per data set (and per
 * neighbour count and minimum support), and measures each map sent to it.
 */
import { buildIncidence, coOccurrenceTable, type Incidence } from '../../core/metrics/item-knn';
import { measuredItems, spaceQuality } from '../../core/metrics/space-quality';
import type { QualityData, QualityRequest, QualityResponse } from './protocol';

export class QualitySession {
  private data: { key: number; inc: Incidence; categories: QualityData['categories'] } | null =
    null;
  /** ItemKNN lists of the measured items, by "k/minSupport". */
  private readonly reference = new Map<string, Int32Array>();
  private items: Int32Array = new Int32Array(0);

  constructor(
    private readonly post: (msg: QualityResponse) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  handle(msg: QualityRequest): void {
    if (msg.type === 'data') {
      const inc = buildIncidence(msg.user, msg.item, msg.nUsers, msg.nItems);
      this.data = { key: msg.key, inc, categories: msg.categories };
      this.items = measuredItems(inc.itemSupport);
      this.reference.clear();
      return;
    }
    const started = this.now();
    try {
      const data = this.data;
      if (!data || data.key !== msg.key)
        throw new Error('Space quality: the data set was not sent to the worker first.');
      const refKey = `${msg.k}/${msg.minSupport}`;
      let reference = this.reference.get(refKey);
      if (!reference) {
        reference = coOccurrenceTable(data.inc, this.items, msg.k, msg.minSupport);
        this.reference.set(refKey, reference);
      }
      const quality = spaceQuality({
        vectors: msg.vectors,
        dim: msg.dim,
        inc: data.inc,
        categories: data.categories,
        metric: msg.metric,
        k: msg.k,
        minSupport: msg.minSupport,
        items: this.items,
        reference,
      });
      this.post({ type: 'result', id: msg.id, quality, ms: this.now() - started });
    } catch (e) {
      this.post({ type: 'error', id: msg.id, message: e instanceof Error ? e.message : String(e) });
    }
  }
}
