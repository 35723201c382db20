import { useState } from 'react';
import { useLabState } from '../lab-context';

const KEY = 'latent-lab:hint-dismissed';

function dismissed(): boolean {
  try {
    return localStorage.getItem(KEY) === '1';
  } catch {
    // Storage blocked (a sandboxed frame): show the hint, it is only one line.
    return false;
  }
}

/**
 * One line for a first visit: what to do first. It goes once dismissed (remembered in
 * localStorage) and while a model is training or trained, when there is nothing left to say.
 */
export function FirstVisitHint() {
  const [hidden, setHidden] = useState(dismissed);
  const status = useLabState((s) => s.training.status);
  const hasData = useLabState((s) => s.dataset !== null);
  const hasMap = useLabState((s) => s.embeddings !== null);
  if (hidden || status !== 'idle' || hasMap) return null;
  return (
    <p className="first-hint" role="note">
      {hasData
        ? 'Press Train to fit a model to this data, or drop a file of your own on the Data panel.'
        : 'Drop a ratings or interactions file on the Data panel, then press Train.'}
      <button
        type="button"
        className="link"
        aria-label="Dismiss hint"
        onClick={() => {
          setHidden(true);
          try {
            localStorage.setItem(KEY, '1');
          } catch {
            // Not remembered: it goes for this visit only.
          }
        }}
      >
        ✕
      </button>
    </p>
  );
}
