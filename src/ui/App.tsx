import { DataPanel } from './panels/DataPanel';
import { TrainPanel } from './panels/TrainPanel';
import { MetricsPanel } from './panels/MetricsPanel';
import { RunsPanel } from './panels/RunsPanel';
import { ExplorerPanel } from './panels/ExplorerPanel';
import { SelectionPanel } from './panels/SelectionPanel';
import { PopularityPanel } from './panels/PopularityPanel';
import { ErrorList } from './ErrorList';
import { SessionBanner } from './SessionBanner';
import { useLab, useLabState } from './lab-context';

/** Says that the session was restored from the browser's storage, with a way out. */
function RestoredBanner() {
  const lab = useLab();
  const at = useLabState((s) => s.restoredAt);
  const name = useLabState((s) => s.dataset?.name);
  if (!at || !name) return null;
  return (
    <div className="restored" role="status">
      Restored <strong>{name}</strong> from {new Date(at).toLocaleString()}: its settings, the last
      finished epoch, the runs and the map.
      <button type="button" onClick={() => void lab.startFresh()}>
        Start fresh
      </button>
      <button
        type="button"
        className="link"
        aria-label="Dismiss"
        onClick={() => lab.store.set({ restoredAt: null })}
      >
        ✕
      </button>
    </div>
  );
}

/** Layout and wiring only. */
export function App() {
  const backend = useLabState((s) => s.training.backend);
  return (
    <div className="app">
      <header className="topbar">
        <h1>Latent Lab</h1>
        <span className="tagline">train recommenders in your browser, then look inside them</span>
        <span
          className={`badge ${backend === 'webgl' ? 'ok' : 'warn'}`}
          title="tfjs backend in use"
        >
          {backend ? `tfjs: ${backend}` : 'tfjs: starting…'}
        </span>
      </header>
      <ErrorList />
      <RestoredBanner />
      <SessionBanner />
      <main className="layout">
        <aside className="sidebar">
          <DataPanel />
          <TrainPanel />
        </aside>
        <div className="content">
          <div className="explore-row">
            <ExplorerPanel />
            <SelectionPanel />
          </div>
          <MetricsPanel />
          <PopularityPanel />
          <RunsPanel />
        </div>
      </main>
    </div>
  );
}
