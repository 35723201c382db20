import { DataPanel } from './panels/DataPanel';
import { TrainPanel } from './panels/TrainPanel';
import { MetricsPanel } from './panels/MetricsPanel';
import { RunsPanel } from './panels/RunsPanel';
import { ExplorerPanel } from './panels/ExplorerPanel';
import { SelectionPanel } from './panels/SelectionPanel';
import { PopularityPanel } from './panels/PopularityPanel';
import { ErrorList } from './ErrorList';
import { useLabState } from './lab-context';

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
