/**
 * The playground's control beside a search match: "Like <label>" (implicit) or a "Rating for
 * <label>" spinbutton (explicit) for an item while a new user is open; "Add <label>" for an item
 * feature while a new item is open. Nothing otherwise.
 */
import { useState } from 'react';
import { useLab, useLabState } from '../lab-context';
import { useStore } from '../../state/store';
import type { PointKind } from '../../state/lab-state';

export function PlaygroundMark(props: { kind: PointKind; index: number; label: string }) {
  const lab = useLab();
  const session = useStore(lab.playground.store, (s) => s.session);
  const itemFeatures = useLabState((s) => s.dataset?.itemFeatures.names.length ?? 0);
  const { kind, index, label } = props;
  if (!session) return null;
  const mark = session.marks.find((m) => m.index === index);
  if (session.kind === 'item') {
    if (kind !== 'feature' || index >= itemFeatures) return null;
    return (
      <button
        type="button"
        className="small"
        aria-pressed={!!mark}
        onClick={() => lab.playground.toggle(index)}
      >
        {mark ? `Remove ${label}` : `Add ${label}`}
      </button>
    );
  }
  if (kind !== 'item') return null;
  if (session.rates) return <RatingInput index={index} label={label} rating={mark?.rating} />;
  return (
    <button
      type="button"
      className="small like"
      aria-pressed={!!mark}
      onClick={() => (mark ? lab.playground.unmark(index) : lab.playground.mark(index))}
    >
      {/* The name comes from the text, not aria-label: a title holding "Search" must not make
          this button a match for getByLabel('Search'). */}
      <span aria-hidden="true">{mark ? '♥' : '♡'}</span>
      <span className="sr-only">Like {label}</span>
    </button>
  );
}

/** A rating from the data set's range, in half steps; clearing it unmarks the item. */
function RatingInput(props: { index: number; label: string; rating: number | undefined }) {
  const lab = useLab();
  const min = useLabState((s) => s.dataset?.ratingMin ?? 0.5);
  const max = useLabState((s) => s.dataset?.ratingMax ?? 5);
  const [text, setText] = useState(props.rating === undefined ? '' : String(props.rating));
  return (
    <input
      type="number"
      className="rating"
      aria-label={`Rating for ${props.label}`}
      min={min}
      max={max}
      step={0.5}
      value={text}
      placeholder="rate"
      onChange={(e) => {
        setText(e.target.value);
        const v = e.target.valueAsNumber;
        if (e.target.value === '') lab.playground.unmark(props.index);
        else if (Number.isFinite(v)) lab.playground.mark(props.index, v);
      }}
    />
  );
}
