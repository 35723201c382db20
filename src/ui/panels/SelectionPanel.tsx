import { useDeferredValue, useId, useMemo, useState } from 'react';
import { useLab, useLabState } from '../lab-context';
import { NumberField } from '../controls/NumberField';
import { searchPoints } from '../../state/search';
import { pointOf } from '../../state/points';
import type { SelectionEntry } from '../../state/lab-state';
import { SHRINK_LAMBDA, type Metric } from '../../core/projection/neighbours';
import { PlaygroundMark } from './PlaygroundMark';
import { PlaygroundPanel } from './PlaygroundPanel';

const MATCHES_SHOWN = 12;
/** Metadata features shown on the card (a film can carry dozens of tags). */
const MAX_CHIPS = 16;

const METRIC_LABELS: Record<Metric, string> = {
  cosine: 'cosine',
  'shrunk-cosine': `shrunk cosine (× n / (n + ${SHRINK_LAMBDA}))`,
  euclidean: 'euclidean',
  dot: 'dot product',
};

function Search() {
  const lab = useLab();
  const id = useId();
  const dataset = useLabState((s) => s.dataset);
  const space = useLabState((s) => s.projection.space);
  const marked = useLabState((s) => s.marked);
  const [q, setQ] = useState('');
  // Typing stays responsive on large catalogues: the scan runs on the deferred value.
  const query = useDeferredValue(q);
  const result = useMemo(
    () => (dataset ? searchPoints(dataset, query) : { matches: [], error: null }),
    [dataset, query],
  );
  const { matches, error } = result;
  // Matches that are points of the current layout (features only when the model embeds them).
  const points = space
    ? matches
        .filter((m) => m.kind !== 'feature' || m.index < space.features)
        .map((m) => pointOf(space, m.kind, m.index))
    : [];
  const isMarked = marked?.query === query.trim();
  return (
    <div className="search">
      <label htmlFor={id}>Search</label>
      <input
        id={id}
        type="search"
        placeholder="a title, genre, tag, “user 42”, or /regex/i"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        disabled={!dataset}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-status`}
      />
      <div id={`${id}-status`} className="search-status small" aria-live="polite">
        {error ? (
          <span className="error-text">{error}</span>
        ) : query.trim().length >= 2 ? (
          <>
            <span className="muted">
              {matches.length.toLocaleString('en-US')} match{matches.length === 1 ? '' : 'es'}
            </span>
            {points.length > 0 && (
              <button
                type="button"
                className="link"
                onClick={() => lab.mark(isMarked ? null : { query: query.trim(), points })}
              >
                {isMarked
                  ? 'Clear highlight'
                  : `Highlight all ${points.length.toLocaleString('en-US')} in the map`}
              </button>
            )}
          </>
        ) : null}
      </div>
      {matches.length > 0 && (
        <ul className="matches" aria-label="Matches">
          {matches.slice(0, MATCHES_SHOWN).map((m) => (
            <li key={`${m.kind}${m.index}`}>
              <button type="button" className="link" onClick={() => lab.select(m.kind, m.index)}>
                <span className={`kind ${m.kind}`}>{m.kind}</span> {m.label}
              </button>
              <PlaygroundMark kind={m.kind} index={m.index} label={m.label} />
            </li>
          ))}
          {matches.length > MATCHES_SHOWN && (
            <li className="muted small">
              and {(matches.length - MATCHES_SHOWN).toLocaleString('en-US')} more
            </li>
          )}
        </ul>
      )}
    </div>
  );
}

/** A titled, numbered list of points with scores; each entry selects its point. */
function RankedList(props: {
  title: string;
  label: string;
  entries: (SelectionEntry & { because?: string[] })[];
  digits: number;
  /** Show each entry's interactions (how much evidence its vector has). */
  support?: boolean;
}) {
  const lab = useLab();
  return (
    <>
      <h3>{props.title}</h3>
      <ol className="ranked" aria-label={props.label}>
        {props.entries.map((e) => (
          <li key={`${e.kind}${e.id}`}>
            <button type="button" className="link" onClick={() => lab.select(e.kind, e.index)}>
              {e.label}
            </button>
            <span className="score">{e.score.toFixed(props.digits)}</span>
            {props.support && (
              <span className="support muted small" title="interactions behind this point">
                n = {e.support.toLocaleString('en-US')}
              </span>
            )}
            {e.because && e.because.length > 0 && (
              <span className="because muted small">because {e.because.join('; ')}</span>
            )}
          </li>
        ))}
      </ol>
    </>
  );
}

function NeighbourSettings() {
  const lab = useLab();
  const id = useId();
  const opts = useLabState((s) => s.view.neighbours);
  return (
    <div className="compact-fields">
      <div className="field">
        <label htmlFor={`${id}-metric`}>Similarity</label>
        <select
          id={`${id}-metric`}
          value={opts.metric}
          onChange={(e) => lab.setNeighbours({ metric: e.target.value as Metric })}
        >
          {(Object.keys(METRIC_LABELS) as Metric[]).map((m) => (
            <option key={m} value={m}>
              {METRIC_LABELS[m]}
            </option>
          ))}
        </select>
      </div>
      <NumberField
        label="Neighbours (k)"
        value={opts.k}
        min={1}
        max={100}
        step={1}
        integer
        onChange={(k) => lab.setNeighbours({ k })}
      />
      <NumberField
        label="Minimum support"
        value={opts.minSupport}
        min={1}
        max={1_000_000}
        step={1}
        integer
        onChange={(minSupport) => lab.setNeighbours({ minSupport })}
      />
    </div>
  );
}

export function SelectionPanel() {
  const lab = useLab();
  const sel = useLabState((s) => s.selection);
  const hasEmbeddings = useLabState((s) => s.embeddings !== null);
  const metric = sel ? METRIC_LABELS[sel.metric] : '';
  const [showCoOccurrence, setShowCoOccurrence] = useState(false);
  return (
    <section className="panel selection" aria-labelledby="selection-heading">
      <h2 id="selection-heading">Selection</h2>
      <Search />
      <PlaygroundPanel />
      <NeighbourSettings />
      {!sel && <p className="muted">Click a point in the map, or search, to see its neighbours.</p>}
      {sel && (
        <div className="card" data-testid="selection-card">
          <div className="card-head">
            <span className={`kind ${sel.kind}`}>{sel.kind}</span>
            <strong>{sel.label}</strong>
            <button
              type="button"
              className="link"
              onClick={() => lab.clearSelection()}
              aria-label="Clear selection"
            >
              ✕
            </button>
          </div>
          <p className="muted small">
            id {sel.id} · {sel.interactions.toLocaleString('en-US')}{' '}
            {sel.kind === 'feature' ? 'entities carry it' : 'interactions'}
            {sel.bias !== null && ` · bias ${sel.bias.toFixed(3)}`}
            {sel.norm !== null && ` · norm ${sel.norm.toFixed(3)}`}
          </p>
          {sel.features.length > 0 && (
            <ul className="feature-chips" aria-label="Metadata">
              {sel.features.slice(0, MAX_CHIPS).map((f) => (
                <li key={f}>{f}</li>
              ))}
              {sel.features.length > MAX_CHIPS && (
                <li className="muted">+{sel.features.length - MAX_CHIPS} more</li>
              )}
            </ul>
          )}
          {!hasEmbeddings && <p className="muted">Train a model to see neighbours.</p>}
          {sel.coOccurrence && (
            <label className="check small">
              <input
                type="checkbox"
                checked={showCoOccurrence}
                onChange={(e) => setShowCoOccurrence(e.target.checked)}
              />{' '}
              Item-item neighbours (co-occurrence)
            </label>
          )}
          {/* The model's neighbours and plain co-occurrence's side by side, to compare. */}
          <div className={showCoOccurrence && sel.coOccurrence ? 'side-by-side' : undefined}>
            {sel.neighbors.length > 0 && (
              <div>
                <RankedList
                  title={`Nearest ${sel.kind}s (${metric})`}
                  label="Neighbours"
                  entries={sel.neighbors}
                  digits={3}
                  support
                />
              </div>
            )}
            {sel.coOccurrence && showCoOccurrence && (
              <div>
                <RankedList
                  title={`Item-item (ItemKNN)${sel.coOccurrence.length ? '' : ': none'}`}
                  label="Item-item neighbours"
                  entries={sel.coOccurrence}
                  digits={3}
                  support
                />
              </div>
            )}
          </div>
          {sel.minSupport > 1 && hasEmbeddings && (
            <p className="muted small" data-testid="hidden-low-support">
              {sel.hiddenLowSupport > 0
                ? `${sel.hiddenLowSupport} of the ${sel.kind}s nearest hidden: fewer than ${sel.minSupport} interactions (lower “Minimum support” to list them).`
                : `None of the nearest has fewer than ${sel.minSupport} interactions.`}
            </p>
          )}
          {sel.recommendations && (
            <RankedList
              title={`Top ${sel.recommendations.length} recommendations (unseen items)`}
              label="Recommendations"
              entries={sel.recommendations}
              digits={2}
            />
          )}
          {sel.audience && (
            <RankedList
              title="Users most likely to want it (who have not seen it)"
              label="Likely users"
              entries={sel.audience}
              digits={2}
            />
          )}
          {sel.relatedItems && (
            <RankedList
              title={`Items nearest this feature (${metric})`}
              label="Related items"
              entries={sel.relatedItems}
              digits={3}
            />
          )}
          {sel.history && sel.history.length > 0 && (
            <>
              <h3>History (highest rated first)</h3>
              <ol className="ranked" aria-label="History">
                {sel.history.map((h, k) => (
                  <li key={k}>
                    <button
                      type="button"
                      className="link"
                      onClick={() => lab.select('item', h.index)}
                    >
                      {h.label}
                    </button>
                    <span className="score">{h.rating}</span>
                  </li>
                ))}
              </ol>
            </>
          )}
        </div>
      )}
    </section>
  );
}
