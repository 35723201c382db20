/// <reference lib="webworker" />
/**
 * The import worker: reads an interactions file as a stream (decompressing gzip, detecting the
 * encoding), parses and builds typed columns chunk by chunk (`readInteractions`), and reports
 * bytes and rows read about ten times a second. The page stays responsive whatever the size.
 */
import { readInteractions } from '../../core/data/stream-import';
import { blobBuffer, readParquetInteractions } from '../../core/data/parquet';
import type { TextEncodingName } from '../../core/data/decode';
import { transferablesOfDataset, type ImportEvent, type ImportRequest } from './protocol';

const PROGRESS_MS = 100;
const running = new Map<number, AbortController>();
const post = (e: ImportEvent, transfer: ArrayBuffer[] = []) => self.postMessage(e, { transfer });

self.onmessage = (ev: MessageEvent<ImportRequest>) => {
  const req = ev.data;
  if (req.type === 'cancel') {
    running.get(req.id)?.abort(new Error('Import cancelled'));
    return;
  }
  const abort = new AbortController();
  running.set(req.id, abort);
  const totalBytes = req.file.size;
  let last = 0;
  let text: { encoding: TextEncodingName; lossy: boolean } = { encoding: 'utf-8', lossy: false };
  const progress = ({ bytes, rows }: { bytes: number; rows: number }) => {
    const now = performance.now();
    if (now - last < PROGRESS_MS) return;
    last = now;
    post({ type: 'progress', id: req.id, bytes, totalBytes, rows });
  };
  const { format, ...options } = req.options;
  const reading =
    format === 'parquet'
      ? readParquetInteractions(
          blobBuffer(req.file),
          { name: req.name, ...options },
          progress,
          abort.signal,
        )
      : readInteractions(
          req.file.stream() as ReadableStream<Uint8Array>,
          { name: req.name, ...options, format },
          (p) => {
            text = { encoding: p.encoding, lossy: p.lossy };
            progress(p);
          },
          abort.signal,
        );
  reading
    .then((dataset) =>
      post({ type: 'done', id: req.id, dataset, ...text }, transferablesOfDataset(dataset)),
    )
    .catch((e: unknown) =>
      post({ type: 'error', id: req.id, message: e instanceof Error ? e.message : String(e) }),
    )
    .finally(() => running.delete(req.id));
};
