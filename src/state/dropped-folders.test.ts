import { describe, expect, it } from 'vitest';
import { droppedFiles, type DroppedEntry } from './dropped-folders';

/** A stand-in directory whose reader hands children over two at a time, as browsers batch them. */
function dir(name: string, kids: DroppedEntry[]): DroppedEntry {
  return {
    isDirectory: true,
    name,
    createReader() {
      let at = 0;
      return {
        readEntries(ok: (entries: DroppedEntry[]) => void) {
          const batch = kids.slice(at, at + 2);
          at += batch.length;
          setTimeout(() => ok(batch), 0);
        },
      };
    },
  } as DroppedEntry;
}
function file(name: string, text: string): DroppedEntry {
  return {
    isDirectory: false,
    name,
    file: (ok: (f: File) => void) => ok(new File([text], name)),
  } as DroppedEntry;
}

describe('droppedFiles', () => {
  it('walks dropped folders in every batch, paths from the dropped folder', async () => {
    const model = dir('user_item_als', [
      dir('metadata', [file('part-00000', '{}'), file('_SUCCESS', '')]),
      dir('userFactors', [
        file('part-00000.json', 'u0'),
        file('part-00001.json', 'u1'),
        file('part-00002.json', 'u2'),
      ]),
      dir('itemFactors', [file('part-00000.json', 'i0')]),
    ]);
    const files = await droppedFiles([model, file('notes.txt', 'n')]);
    expect(files.map((f) => f.path)).toEqual([
      'user_item_als/metadata/part-00000',
      'user_item_als/metadata/_SUCCESS',
      'user_item_als/userFactors/part-00000.json',
      'user_item_als/userFactors/part-00001.json',
      'user_item_als/userFactors/part-00002.json',
      'user_item_als/itemFactors/part-00000.json',
      'notes.txt',
    ]);
    expect(await files[4].file.text()).toBe('u2');
  });

  it('passes a read error on', async () => {
    const broken = {
      isDirectory: false,
      name: 'x',
      file: (_: unknown, fail: (e: Error) => void) => fail(new Error('gone')),
    };
    await expect(droppedFiles([broken as DroppedEntry])).rejects.toThrow('gone');
  });
});
