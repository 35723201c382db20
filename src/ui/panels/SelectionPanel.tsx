import { useId, useMemo, useState } from 'react';
import { useLab, useLabState } from '../lab-context';
import type { PointKind } from '../../state/lab-state';

const MAX_MATCHES = 12;

function Search() {
  const lab = useLab();
  const id = useId();
  const dataset = useLabState((s) => s.dataset);
  const [q, setQ] = useState('');
  const matches = useMemo(() => {
    const text = q.trim().toLowerCase();
    if (!dataset || text.length < 2) return [];
    const out: { kind: PointKind; index: number; label: string }[] = [];
    for (let i = 0; i < dataset.itemLabels.length && out.length < MAX_MATCHES; i++) {
      if (dataset.itemLabels[i].toLowerCase().includes(text))
        out.push({ kind: 'item', index: i, label: dataset.itemLabels[i] });
    }
    for (let u = 0; u < dataset.userIds.length && out.length < MAX_MATCHES; u++) {
      if (`user ${dataset.userIds[u]}`.includes(text))
        out.push({ kind: 'user', index: u, label: `User ${dataset.userIds[u]}` });
    }
    return out;
  }, [dataset, q]);
  return (
    <div className="search">
      <label htmlFor={id}>Search</label>
      <input
        id={id}
        type="search"
        placeholder="a title, or “user 42”"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        disabled={!dataset}
      />
      {matches.length > 0 && (
        <ul className="matches" aria-label="Search results">
          {matches.map((m) => (
            <li key={`${m.kind}${m.index}`}>
              <button type="button" className="link" onClick={() => lab.select(m.kind, m.index)}>
                <span className={`kind ${m.kind}`}>{m.kind}</span> {m.label}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

interface Entry {
  kind: PointKind;
  index: number;
  id: string;
  label: string;
  score: number;
}

/** A titled, numbered list of points with scores; each entry selects its point. */
function RankedList(props: { title: string; label: string; entries: Entry[]; digits: number }) {
  const lab = useLab();
  return (
    <>
      <h3>{props.title}</h3>
      <ol className="ranked" aria-label={props.label}>
        {props.entries.map((e) => (
          <li key={e.id}>
            <button type="button" className="link" onClick={() => lab.select(e.kind, e.index)}>
              {e.label}
            </button>
            <span className="score">{e.score.toFixed(props.digits)}</span>
          </li>
        ))}
      </ol>
    </>
  );
}

export function SelectionPanel() {
  const lab = useLab();
  const sel = useLabState((s) => s.selection);
  const hasEmbeddings = useLabState((s) => s.embeddings !== null);
  return (
    <section className="panel selection" aria-labelledby="selection-heading">
      <h2 id="selection-heading">Selection</h2>
      <Search />
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
            id {sel.id} · {sel.interactions} interactions · bias {sel.bias.toFixed(3)}
          </p>
          {!hasEmbeddings && <p className="muted">Train a model to see neighbours.</p>}
          {sel.neighbors.length > 0 && (
            <RankedList
              title={`Nearest ${sel.kind}s (cosine)`}
              label="Neighbours"
              entries={sel.neighbors}
              digits={3}
            />
          )}
          {sel.recommendations && (
            <RankedList
              title="Top 10 recommendations (unrated items)"
              label="Recommendations"
              entries={sel.recommendations.map((r) => ({ ...r, kind: 'item' as const }))}
              digits={2}
            />
          )}
        </div>
      )}
    </section>
  );
}
