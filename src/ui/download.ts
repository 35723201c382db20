/** Saves `data` as a file through a temporary link (the browser's download). */
export function download(name: string, data: Blob | string): void {
  const a = document.createElement('a');
  const url = typeof data === 'string' ? data : URL.createObjectURL(data);
  a.href = url;
  a.download = name;
  a.click();
  if (typeof data !== 'string') setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadText(name: string, text: string, type = 'text/csv'): void {
  download(name, new Blob([text], { type }));
}
