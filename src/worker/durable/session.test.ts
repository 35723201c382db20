import { describe, expect, it } from 'vitest';
import { DurableWriterClient, type DurableWorkerLike } from './client';
import { detachedCopyInSlices, type DurableRequest, type DurableResponse } from './protocol';
import { DurableWriterSession, type SequencedWriter } from './session';

describe('detachedCopyInSlices', () => {
  it('copies large typed arrays for transfer, keeps the rest, and leaves the input alone', async () => {
    const big = Float32Array.from({ length: 20_000 }, (_, k) => k);
    const small = Int32Array.from([1, 2, 3]);
    const ids = ['a', 'b'];
    const history = [{ epoch: 1, rmse: 0.9 }];
    const value = {
      embeddings: { vectors: big, ids, again: big },
      checkpoint: { f32: [big.subarray(10, 20_000)], small },
      history,
      when: new Date(5),
    };
    let pauses = 0;
    const pause = async () => void pauses++;
    // 80,000 + 79,960 bytes to copy, 32 KiB a slice: 4 pauses between 5 slices.
    const { value: out, transfer } = await detachedCopyInSlices(value, pause, 32_768);
    expect(pauses).toBe(4);
    expect(out).toEqual(value);
    // The copies are new arrays (the store keeps its own), one per array even when shared.
    expect(out.embeddings.vectors).not.toBe(big);
    expect(out.embeddings.again).toBe(out.embeddings.vectors);
    expect(transfer).toHaveLength(2);
    expect(transfer).toContain(out.embeddings.vectors.buffer);
    expect(out.checkpoint.f32[0].length).toBe(19_990);
    expect(out.checkpoint.f32[0][0]).toBe(10);
    // Small arrays and parts without a copied array are passed as they are.
    expect(out.checkpoint.small).toBe(small);
    expect(out.embeddings.ids).toBe(ids);
    expect(out.history).toBe(history);
    expect(out.when).toBe(value.when);
    // Transferring the copies leaves the originals whole.
    structuredClone(out, { transfer });
    expect(big.length).toBe(20_000);
    expect(big[19_999]).toBe(19_999);
  });
});

describe('DurableWriterSession', () => {
  it('starts the writes in arrival order after one open, and answers each', async () => {
    const started: number[] = [];
    const posted: DurableResponse[] = [];
    let opens = 0;
    let release!: () => void;
    const opened = new Promise<void>((r) => (release = r));
    const write: SequencedWriter = async (key, _value, sequence) => {
      started.push(sequence);
      if (key === 'bad') throw new Error('quota exceeded');
      return sequence !== 2;
    };
    const session = new DurableWriterSession(
      async () => {
        opens++;
        await opened;
        return write;
      },
      (m) => posted.push(m),
    );
    const put = (id: number, key: string): DurableRequest => ({
      type: 'put',
      id,
      key,
      value: { id },
      sequence: id,
    });
    session.handle(put(1, 'last'));
    session.handle(put(2, 'last'));
    session.handle(put(3, 'bad'));
    session.handle(put(4, 'last'));
    expect(started).toEqual([]);
    release();
    await new Promise((r) => setTimeout(r, 0));
    expect(opens).toBe(1);
    expect(started).toEqual([1, 2, 3, 4]);
    expect(posted).toEqual([
      { type: 'stored', id: 1, written: true },
      { type: 'stored', id: 2, written: false },
      { type: 'failed', id: 3, message: 'quota exceeded' },
      { type: 'stored', id: 4, written: true },
    ]);
  });
});

describe('DurableWriterClient', () => {
  it('posts the writes in order with their copies transferred, and settles each from the answer', async () => {
    const sent: { msg: DurableRequest; transfer: Transferable[] }[] = [];
    const fake: DurableWorkerLike = {
      postMessage: (msg, transfer) => sent.push({ msg, transfer }),
      onmessage: null,
      onerror: null,
      terminate: () => undefined,
    };
    const client = new DurableWriterClient(() => fake);
    const big = new Float32Array(1 << 15);
    const first = client.write('last', { big }, 7);
    const second = client.write('last', { big }, 8);
    await new Promise((r) => setTimeout(r, 0));
    expect(sent.map((s) => [s.msg.id, s.msg.sequence])).toEqual([
      [1, 7],
      [2, 8],
    ]);
    expect(sent[0].transfer).toHaveLength(1);
    const answer = (data: DurableResponse) => fake.onmessage!({ data } as MessageEvent);
    answer({ type: 'stored', id: 2, written: false });
    answer({ type: 'failed', id: 1, message: 'disk full' });
    await expect(first).rejects.toThrow('disk full');
    await expect(second).resolves.toBe(false);
    const third = client.write('last', { big }, 9);
    client.dispose();
    await expect(third).rejects.toThrow(/stopped/);
  });
});
