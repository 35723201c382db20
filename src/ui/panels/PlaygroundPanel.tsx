/**
 * The cold-start playground: "New user" folds a person in from the items they like or rate (found
 * with the Search box above), "New item" builds an item from its features. It lists the marks,
 * the top recommendations (or nearest items and likeliest users) with their reasons, and how long
 * the update took; the point itself is drawn in the map (amber square).
 */
import { useMemo } from 'react';
import { useLab, useLabState } from '../lab-context';
import { useStore } from '../../state/store';
import type { PlaygroundSession } from '../../state/playground';
import type { FoldInMethod, PlaygroundEntry } from '../../state/playground-compute';
import { downloadText } from '../download';
import './playground.css';

/** Item features offered as quick toggles for a new item (the most common first). */
const QUICK_FEATURES = 20;

const METHOD_TEXT: Record<FoldInMethod, string> = {
  'least-squares': 'least squares on the marked items’ factors, with the model’s L2',
  bpr: 'the user that best ranks the liked items above the rest by the model’s BPR objective and L2',
  'forward-pass': 'the model’s user tower applied to the marked items',
  'feature-sum': 'the sum of the chosen features’ embeddings',
};

export function PlaygroundPanel() {
  const lab = useLab();
  const session = useStore(lab.playground.store, (s) => s.session);
  return (
    <div className="playground" aria-label="Playground" role="group">
      <div className="row">
        <button type="button" onClick={() => lab.playground.open('user')}>
          New user
        </button>
        <button type="button" onClick={() => lab.playground.open('item')}>
          New item
        </button>
        {session && (
          <button type="button" className="link" onClick={() => lab.playground.close()}>
            Close playground
          </button>
        )}
      </div>
      {session && <SessionView session={session} />}
    </div>
  );
}

function SessionView({ session }: { session: PlaygroundSession }) {
  const lab = useLab();
  const dataset = useLabState((s) => s.dataset);
  const minSupport = useLabState((s) => s.view.neighbours.minSupport);
  const r = session.result;
  const names = dataset?.itemFeatures.names ?? [];
  const labelOf = (index: number) =>
    session.kind === 'user' ? (dataset?.itemLabels[index] ?? '') : (names[index] ?? '');
  const who = session.kind === 'user' ? 'new user' : 'new item';
  return (
    <div className="card playground-card" data-testid="playground">
      <p className="small muted">
        {session.kind === 'user'
          ? `Search above and ${session.rates ? 'rate' : 'like'} items: the model folds the new user in without retraining`
          : 'Choose its features (or search for a tag): the model builds the new item from them'}
        {r && ` (${METHOD_TEXT[r.method]})`}.
        {session.ms !== null && ` Updated in ${session.ms.toFixed(1)} ms.`}
      </p>
      {session.error && (
        <p className="error-text small" role="alert">
          {session.error}
        </p>
      )}
      {session.kind === 'item' && !session.error && <QuickFeatures session={session} />}
      <h3>{session.kind === 'user' ? 'Marked items' : 'Features'}</h3>
      {session.marks.length === 0 ? (
        <p className="muted small">None yet.</p>
      ) : (
        <ul className="marked" aria-label="Marked">
          {session.marks.map((m) => (
            <li key={m.index}>
              {labelOf(m.index)}
              {m.rating !== undefined && <span className="muted"> · {m.rating}</span>}{' '}
              <button
                type="button"
                className="link"
                aria-label={`Remove ${labelOf(m.index)}`}
                onClick={() => lab.playground.unmark(m.index)}
              >
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
      {r && r.recommendations.length > 0 && (
        <Ranked
          title={session.kind === 'user' ? 'Recommended for the new user' : 'Nearest items'}
          entries={r.recommendations}
          // A rating model's fold-in predicts ratings, which can leave the data's scale; the
          // list shows them clipped to it, as the held-out RMSE scores them (raw in the title).
          range={
            r.method === 'least-squares' && dataset
              ? [dataset.ratingMin, dataset.ratingMax]
              : undefined
          }
        />
      )}
      {r && session.kind === 'user' && r.recommendations.length > 0 && minSupport > 1 && (
        <p className="small muted">
          Items with fewer than {minSupport} interactions are not recommended (Minimum support).
        </p>
      )}
      {r && r.audience.length > 0 && <Ranked title="Likeliest users" entries={r.audience} />}
      {r && session.marks.length > 0 && (
        <p className="small muted">
          {r.position
            ? `The ${who} is the amber square in the map, placed at the weighted mean of its nearest laid-out points.`
            : `Project the embeddings to see the ${who} in the map.`}{' '}
          It is left out of every export;{' '}
          <button
            type="button"
            className="link"
            onClick={() =>
              downloadText(
                `${session.kind === 'user' ? 'new-user' : 'new-item'}.json`,
                JSON.stringify(
                  {
                    kind: session.kind,
                    method: r.method,
                    marked: session.marks.map((m) => ({ label: labelOf(m.index), ...m })),
                    vector: Array.from(r.vector),
                    recommendations: r.recommendations,
                  },
                  null,
                  1,
                ),
                'application/json',
              )
            }
          >
            download the {who}
          </button>
          .
        </p>
      )}
    </div>
  );
}

function Ranked(props: {
  title: string;
  entries: PlaygroundEntry[];
  range?: readonly [number, number];
}) {
  const shown = (score: number) =>
    props.range ? Math.min(Math.max(score, props.range[0]), props.range[1]) : score;
  return (
    <>
      <h3>{props.title}</h3>
      <ol className="ranked" aria-label={props.title}>
        {props.entries.map((e) => (
          <li key={e.index}>
            {e.label}{' '}
            <span
              className="muted small"
              title={props.range ? `predicted rating (raw ${e.score.toFixed(3)})` : 'score'}
            >
              {shown(e.score).toFixed(2)}
            </span>
            {e.because.length > 0 && (
              <div className="muted small">because of {e.because.join(', ')}</div>
            )}
          </li>
        ))}
      </ol>
    </>
  );
}

/** The most common item features as toggles (tags and rarer ones: the Search box). */
function QuickFeatures({ session }: { session: PlaygroundSession }) {
  const lab = useLab();
  const features = useLabState((s) => s.dataset?.itemFeatures);
  const common = useMemo(() => {
    if (!features) return [];
    const counts = new Int32Array(features.names.length);
    for (const f of features.values) counts[f]++;
    return Array.from(counts.keys())
      .sort((a, b) => counts[b] - counts[a])
      .slice(0, QUICK_FEATURES);
  }, [features]);
  if (!features) return null;
  return (
    <div className="feature-toggles" role="group" aria-label="Common features">
      {common.map((f) => {
        const on = session.marks.some((m) => m.index === f);
        return (
          <button
            key={f}
            type="button"
            className="chip small"
            aria-pressed={on}
            aria-label={`Feature ${features.names[f]}`}
            onClick={() => lab.playground.toggle(f)}
          >
            {features.names[f]}
          </button>
        );
      })}
    </div>
  );
}
