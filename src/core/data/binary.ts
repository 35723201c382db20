/**
 * Files that are not text at all: a spreadsheet, an archive or an image picked by mistake. Read
 * as text they would give garbage ids (or a confusing "column 2 is not one of the file's 1
 * columns"), so they are refused up front with a message that says what the file is and what to
 * do with it.
 */

/** Characters of decoded text checked for control characters (as the page's preview does). */
export const BINARY_SNIFF_CHARS = 4096;

/** Leading bytes (-1: any) of formats people pick by mistake, what they are, what to do. */
const MAGIC: [bytes: number[], what: string, todo: string][] = [
  [
    [0x50, 0x4b, 0x03, 0x04],
    'a ZIP archive (an Excel .xlsx workbook is one too)',
    'unzip it, or save the sheet as CSV',
  ],
  [[0xd0, 0xcf, 0x11, 0xe0], 'an old Excel .xls (or other Office) file', 'save it as CSV'],
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image', ''],
  [[0xff, 0xd8, 0xff], 'a JPEG image', ''],
  [[0x47, 0x49, 0x46, 0x38], 'a GIF image', ''],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document', ''],
  [[0x50, 0x41, 0x52, 0x31], 'a Parquet file', 'open it again so that it is read as Parquet'],
  [[0x37, 0x7a, 0xbc, 0xaf], 'a 7-Zip archive', 'only gzip is read, so extract it first'],
  [
    [0x42, 0x5a, 0x68, -1, 0x31, 0x41, 0x59, 0x26],
    'a bzip2 archive',
    'only gzip is read, so decompress it first',
  ],
  [[0xfd, 0x37, 0x7a, 0x58], 'an xz archive', 'only gzip is read, so decompress it first'],
  [[0x28, 0xb5, 0x2f, 0xfd], 'a Zstandard archive', 'only gzip is read, so decompress it first'],
  [
    [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66],
    'an SQLite database',
    'export the table as CSV',
  ],
];

// Tab, line ends, vertical tab and form feed occur in text; the others up to 0x1a do not (ESC,
// 0x1b, is left out: it starts the colour codes a log dump may hold).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000e-\u001a]/;

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return bytes.length >= magic.length && magic.every((b, k) => b < 0 || bytes[k] === b);
}

/**
 * Why a file is not text, or null when it may be. `head`: its first (decompressed) bytes, at
 * least 8 when the file has them; `text`: its first BINARY_SNIFF_CHARS characters as decoded.
 */
export function binaryProblem(head: Uint8Array, text: string): string | null {
  for (const [magic, what, todo] of MAGIC)
    if (startsWith(head, magic))
      return `this is ${what}, not delimited text or JSON Lines${todo ? `: ${todo}` : ''}`;
  // ASCII in UTF-16 is every other byte zero; with a BOM the decoder reads it, without one not.
  if (head.length >= 4 && head[0] !== 0 && head[1] === 0 && head[2] !== 0 && head[3] === 0)
    return 'this looks like UTF-16 text without a byte-order mark: save it as UTF-8';
  if (head.length >= 4 && head[0] === 0 && head[1] !== 0 && head[2] === 0 && head[3] !== 0)
    return 'this looks like UTF-16 text without a byte-order mark: save it as UTF-8';
  if (/^\s*<(!doctype html|html)[\s>]/i.test(text))
    return 'this is a web page (HTML), not delimited text: download the data file itself';
  const control = CONTROL.exec(text.slice(0, BINARY_SNIFF_CHARS));
  if (control) {
    const at = control.index;
    const line = 1 + (text.slice(0, at).match(/\r\n|\r|\n/g)?.length ?? 0);
    const code = control[0].charCodeAt(0).toString(16).padStart(2, '0');
    return (
      `this looks like a binary file, not text: line ${line} holds the control character ` +
      `0x${code}, which delimited text and JSON Lines never contain`
    );
  }
  return null;
}
