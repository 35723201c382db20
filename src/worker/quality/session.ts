/**
 * The space-quality worker's logic as a plain class (tested in Node): keeps the data set's sparse
 * incidence and the ItemKNN lists of the measured items, built once per data set (and per
 * neighbour count and minimum support), and measures each map sent to it.
 */
import { buildIncidence, coOccurrenceTable, type Incidence } from '../../core/metrics/item-knn';
import { measuredItems, spaceQuality } from '../../core/metrics/space-quality';
import { userReference, userSpaceQuality } from '../../core/metrics/user-space-quality';
import type { QualityData, QualityRequest, QualityResponse } from './protocol';

export class QualitySession {
  private data: { key: number; inc: Incidence; categories: QualityData['categories'] } | null =
    null;
  /** ItemKNN lists of the measured items, by "k/minSupport". */
  private readonly reference = new Map<string, Int32Array>();
  /** The measured users and their UserKNN lists, by "k/minSupport". */
  private readonly userReference = new Map<string, { users: Int32Array; lists: Int32Array }>();
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
      this.userReference.clear();
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
      let users = null;
      const dim = msg.userDim ?? 0;
      // Models without one vector per user of this data set have no user neighbourhoods.
      if (msg.userVectors && dim > 0 && msg.userVectors.length === data.inc.nUsers * dim) {
        let ref = this.userReference.get(refKey);
        if (!ref) {
          ref = userReference(data.inc, msg.k, msg.minSupport);
          this.userReference.set(refKey, ref);
        }
        const u = userSpaceQuality({
          vectors: msg.userVectors,
          dim,
          inc: data.inc,
          metric: msg.metric,
          k: msg.k,
          minSupport: msg.minSupport,
          reference: ref,
        });
        users = u.users > 0 ? u : null;
      }
      this.post({
        type: 'result',
        id: msg.id,
        quality: { ...quality, users },
        ms: this.now() - started,
      });
    } catch (e) {
      this.post({ type: 'error', id: msg.id, message: e instanceof Error ? e.message : String(e) });
    }
  }
}
