/**
 * The import worker's logic as a plain class, so it runs in Node tests without a Worker. Each
 * request reads its file as a stream (decompressing gzip, detecting the encoding), reports bytes
 * and rows read at most every `progressMs`, and ends with one done event or an error message;
 * 'cancel' stops a request between chunks.
 */
import { readInteractions } from '../../core/data/stream-import';
import { cleanDataset } from '../../core/data/clean';
import { blobBuffer, readParquetInteractions } from '../../core/data/parquet';
import type { TextEncodingName } from '../../core/data/decode';
import { readMetadataStream, readTagsStream } from '../../core/data/side-file-stream';
import type { ReadProgress } from '../../core/data/stream-import';
import {
  shareRows,
  transferablesOfDataset,
  transferablesOfMetadata,
  transferablesOfTagLists,
  type ImportDone,
  type ImportEvent,
  type ImportRequest,
} from './protocol';

export type Post = (event: ImportEvent, transfer: ArrayBuffer[]) => void;

type FileRequest = Exclude<ImportRequest, { type: 'cancel' }>;
type Progress = (p: { bytes: number; rows: number }) => void;

/** An error's message naming the file (DataErrors already do). */
function namedMessage(name: string, e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.startsWith(`${name}:`) ? message : `${name}: ${message}`;
}

export class ImportSession {
  private readonly running = new Map<number, AbortController>();

  constructor(
    private readonly post: Post,
    private readonly progressMs = 100,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Resolves once the request has sent its last event. */
  handle(req: ImportRequest): Promise<void> {
    if (req.type === 'cancel') {
      this.running.get(req.id)?.abort(new Error('Import cancelled'));
      return Promise.resolve();
    }
    const abort = new AbortController();
    this.running.set(req.id, abort);
    let last = -Infinity;
    const progress: Progress = ({ bytes, rows }) => {
      const now = this.now();
      if (now - last < this.progressMs) return;
      last = now;
      this.post({ type: 'progress', id: req.id, bytes, totalBytes: req.file.size, rows }, []);
    };
    return this.read(req, progress, abort.signal)
      .then(([event, transfer]) => this.post(event, transfer))
      .catch((e: unknown) =>
        this.post(
          {
            type: 'error',
            id: req.id,
            // Interactions errors keep their wording (the page shows them under the mapping).
            message:
              req.type === 'import'
                ? e instanceof Error
                  ? e.message
                  : String(e)
                : namedMessage(req.name, e),
          },
          [],
        ),
      )
      .finally(() => this.running.delete(req.id));
  }

  private async read(
    req: FileRequest,
    progress: Progress,
    signal: AbortSignal,
  ): Promise<[ImportDone, ArrayBuffer[]]> {
    const { id } = req;
    const stream = () => req.file.stream() as ReadableStream<Uint8Array>;
    if (req.type === 'metadata') {
      const r = await readMetadataStream(stream(), req.name, req.of, progress, signal);
      return [{ type: 'metadata-done', id, ...r }, transferablesOfMetadata(r.metadata)];
    }
    if (req.type === 'tags') {
      const r = await readTagsStream(stream(), req.name, progress, signal);
      return [{ type: 'tags-done', id, ...r }, transferablesOfTagLists(r.tags)];
    }
    const { format, clean, ...options } = req.options;
    let text: { encoding: TextEncodingName; lossy: boolean } = { encoding: 'utf-8', lossy: false };
    const dataset =
      format === 'parquet'
        ? await readParquetInteractions(
            blobBuffer(req.file),
            { name: req.name, ...options },
            progress,
            signal,
          )
        : await readInteractions(
            stream(),
            { name: req.name, ...options, format },
            (p: ReadProgress) => {
              text = { encoding: p.encoding, lossy: p.lossy };
              progress(p);
            },
            signal,
          );
    if (!clean) {
      const rows = shareRows(dataset);
      return [{ type: 'done', id, dataset: rows, ...text }, transferablesOfDataset(rows)];
    }
    const { dataset: kept, report } = cleanDataset(dataset, clean);
    const cleaned = shareRows(kept);
    return [
      {
        type: 'done',
        id,
        dataset: cleaned,
        ...text,
        cleaned: { report, readRows: dataset.user.length },
      },
      transferablesOfDataset(cleaned),
    ];
  }
}
