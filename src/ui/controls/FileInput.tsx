/** A labelled file picker; the chosen files go to `onFiles`, and it can pick the same file again. */
export function FileInput({
  label,
  accept,
  onFiles,
  multiple = false,
  disabled = false,
  folder = false,
}: {
  label: string;
  /** A folder picker (`webkitdirectory`): every file under the chosen folder, with its path. */
  folder?: boolean;
  /** File types the picker offers; absent: any (MovieLens names files u.data, u.item...). */
  accept?: string;
  onFiles(files: File[]): void;
  multiple?: boolean;
  disabled?: boolean;
}) {
  return (
    <label className="file-input">
      <span>{label}</span>
      <input
        type="file"
        accept={accept}
        multiple={multiple}
        disabled={disabled}
        webkitdirectory={folder ? '' : undefined}
        aria-label={label}
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          if (files.length) onFiles(files);
          e.target.value = '';
        }}
      />
    </label>
  );
}
