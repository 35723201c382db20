import { useId } from 'react';
import { useLab, useLabState } from '../lab-context';
import type { Delimiter } from '../../core/data/csv';
import type { ColumnMapping } from '../../core/data/columns';
import type { DuplicatePolicy } from '../../core/data/clean';
import type { InteractionKind } from '../../core/data/types';
import { NumberField } from '../controls/NumberField';
import { ProgressBar } from '../controls/ProgressBar';
import { fmtRate } from '../format';

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

const DELIMITERS: { value: Delimiter; label: string }[] = [
  { value: ',', label: 'comma' },
  { value: '\t', label: 'tab' },
  { value: ';', label: 'semicolon' },
  { value: '|', label: 'pipe' },
  { value: '::', label: ':: (MovieLens .dat)' },
  { value: ' ', label: 'spaces (runs of blanks)' },
];

type MetaRole = 'item-metadata' | 'user-metadata' | 'tags';
const ROLE_TEXT: Record<MetaRole | 'interactions', string> = {
  interactions: 'interactions',
  'item-metadata': 'item metadata',
  'user-metadata': 'user metadata',
  tags: 'tags',
};

const COUNT = { min: 1, max: 100_000, step: 1, integer: true };
const RATING = { min: -1e9, max: 1e9, step: 0.5 };

const ROLES: { key: keyof ColumnMapping; label: string; optional: boolean }[] = [
  { key: 'user', label: 'User column', optional: false },
  { key: 'item', label: 'Item column', optional: false },
  { key: 'rating', label: 'Rating column', optional: true },
  { key: 'timestamp', label: 'Timestamp column', optional: true },
];

/** Preview of an uploaded file with its guessed format and column mapping, all changeable. */
export function UploadMapper() {
  const lab = useLab();
  const upload = useLabState((s) => s.upload)!;
  const id = useId();
  const importing = useLabState((s) => s.importProgress);
  const { preview, mapping, clean } = upload;
  return (
    <div className="upload" role="group" aria-label="Column mapping">
      <h3>{upload.fileName}</h3>
      {upload.layout && (
        <div className="layout-note" role="status">
          {upload.layout.byName ? 'Recognised: ' : 'Laid out like '}
          <strong>{upload.layout.label}</strong>
          {upload.layout.role === 'interactions' ? (
            ' (columns mapped)'
          ) : (
            <>
              {`, which holds ${ROLE_TEXT[upload.layout.role]}. `}
              <button
                type="button"
                className="primary"
                onClick={() => void lab.data.useUploadAs(upload.layout!.role as MetaRole)}
              >
                Use as {ROLE_TEXT[upload.layout.role]}
              </button>
            </>
          )}
        </div>
      )}
      {upload.format !== 'delimited' ? (
        <p className="muted small">
          {upload.format === 'jsonl'
            ? 'JSON Lines: one object per line; its keys are the columns.'
            : 'Parquet: its columns are listed below.'}
        </p>
      ) : (
        <div className="row">
          <div className="field">
            <label htmlFor={`${id}-delim`}>Delimiter</label>
            <select
              id={`${id}-delim`}
              value={upload.delimiter}
              onChange={(e) => lab.data.setFormat(e.target.value as Delimiter, upload.hasHeader)}
            >
              {DELIMITERS.map((d) => (
                <option key={d.label} value={d.value}>
                  {d.label}
                </option>
              ))}
            </select>
          </div>
          <label className="check">
            <input
              type="checkbox"
              checked={upload.hasHeader}
              onChange={(e) => lab.data.setFormat(upload.delimiter, e.target.checked)}
            />
            First row is a header
          </label>
        </div>
      )}
      <div className="row wrap">
        {ROLES.map((r) => (
          <div className="field" key={r.key}>
            <label htmlFor={`${id}-${r.key}`}>{r.label}</label>
            <select
              id={`${id}-${r.key}`}
              value={mapping[r.key] ?? -1}
              onChange={(e) => {
                const v = Number(e.target.value);
                lab.data.setMapping({ ...mapping, [r.key]: v < 0 ? null : v });
              }}
            >
              {r.optional && <option value={-1}>(none)</option>}
              {preview.header.map((h, j) => (
                <option key={j} value={j}>
                  {h}
                </option>
              ))}
            </select>
          </div>
        ))}
      </div>
      <div className="table-wrap">
        <table className="preview">
          <thead>
            <tr>
              {preview.header.map((h, j) => (
                <th key={j}>{h}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {preview.rows.map((row, i) => (
              <tr key={i}>
                {preview.header.map((_, j) => (
                  <td key={j}>{row[j] ?? ''}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <fieldset className="clean">
        <legend>Meaning and cleaning</legend>
        <div className="field">
          <label htmlFor={`${id}-kind`}>Values are</label>
          <select
            id={`${id}-kind`}
            value={upload.kind}
            onChange={(e) => lab.data.setKind(e.target.value as 'auto' | InteractionKind)}
          >
            <option value="auto">detect from the values</option>
            <option value="explicit" disabled={mapping.rating === null}>
              ratings (explicit)
            </option>
            <option value="implicit">counts / clicks (implicit)</option>
          </select>
        </div>
        <label className="check">
          <input
            type="checkbox"
            checked={clean.logWeights}
            disabled={upload.kind === 'explicit' || mapping.rating === null}
            onChange={(e) => lab.data.setClean({ logWeights: e.target.checked })}
          />
          Log-scale counts into confidences
        </label>
        <div className="field">
          <label htmlFor={`${id}-dups`}>Repeated (user, item)</label>
          <select
            id={`${id}-dups`}
            value={clean.duplicates}
            onChange={(e) => lab.data.setClean({ duplicates: e.target.value as DuplicatePolicy })}
          >
            <option value="last">keep the latest</option>
            <option value="mean">average them</option>
            <option value="sum">add them up (counts)</option>
          </select>
        </div>
        <NumberField
          label="Min. interactions per user"
          value={clean.minPerUser}
          {...COUNT}
          onChange={(v) => lab.data.setClean({ minPerUser: v })}
        />
        <NumberField
          label="Min. interactions per item"
          value={clean.minPerItem}
          {...COUNT}
          onChange={(v) => lab.data.setClean({ minPerItem: v })}
        />
        <label className="check">
          <input
            type="checkbox"
            checked={clean.ratingRange !== null}
            disabled={mapping.rating === null}
            onChange={(e) => lab.data.setClean({ ratingRange: e.target.checked ? [1, 5] : null })}
          />
          Only ratings from
        </label>
        {clean.ratingRange && (
          <>
            <NumberField
              label="Lowest rating kept"
              value={clean.ratingRange[0]}
              {...RATING}
              onChange={(v) => lab.data.setClean({ ratingRange: [v, clean.ratingRange![1]] })}
            />
            <NumberField
              label="Highest rating kept"
              value={clean.ratingRange[1]}
              {...RATING}
              onChange={(v) => lab.data.setClean({ ratingRange: [clean.ratingRange![0], v] })}
            />
          </>
        )}
      </fieldset>
      {upload.error && (
        <p className="error" role="alert">
          {upload.error}
        </p>
      )}
      {importing ? (
        <div className="import-progress" aria-live="polite">
          <ProgressBar
            value={importing.totalBytes ? importing.bytes / importing.totalBytes : 0}
            label="Import progress"
          />
          <span className="muted small">
            {importing.rows.toLocaleString('en-US')} rows · {fmtRate(importing.rowsPerSecond)} ·{' '}
            {mb(importing.bytes)} of {mb(importing.totalBytes)} MB
          </span>
          <button type="button" onClick={() => lab.data.cancelImport()}>
            Cancel import
          </button>
        </div>
      ) : (
        <div className="row">
          <button type="button" className="primary" onClick={() => void lab.data.applyUpload()}>
            Use this data
          </button>
          <button type="button" onClick={() => lab.data.cancelUpload()}>
            Cancel
          </button>
        </div>
      )}
    </div>
  );
}
