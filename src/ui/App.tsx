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
import { DockSection } from './layout/DockSection';
import { BottomDock, DockToggles } from './layout/BottomDock';
import { StatusOverlay } from './layout/StatusOverlay';
import { ShortcutsDialog } from './layout/ShortcutsDialog';
import { FirstVisitHint } from './layout/FirstVisitHint';
import { useLayout } from './layout/layout-state';
import { useShortcuts } from './layout/useShortcuts';

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

/**
 * Layout and wiring only: the map takes the window; data, model and selection fold in a side
 * column; the full curves, runs and popularity open in a dock under the map.
 */
export function App() {
  const lab = useLab();
  const backend = useLabState((s) => s.training.backend);
  const layout = useLayout();
  const { state, toggleSection, toggleDock, closeDock, toggleSide, showShortcuts } = layout;
  useShortcuts(lab, layout);
  const { sections } = state;
  return (
    <div className={`app${state.side ? '' : ' side-hidden'}${state.dock ? ' dock-open' : ''}`}>
      <header className="topbar">
        <h1>Latent Lab</h1>
        <FirstVisitHint />
        <span className="spacer" />
        <DockToggles open={state.dock} onToggle={toggleDock} />
        <button
          type="button"
          aria-expanded={state.side}
          aria-controls="side-panels"
          title="Side panels ([)"
          onClick={toggleSide}
        >
          Side panels
        </button>
        <button
          type="button"
          aria-label="Keyboard shortcuts"
          title="Keyboard shortcuts (?)"
          onClick={() => showShortcuts(true)}
        >
          ?
        </button>
        <span
          className={`badge ${backend === 'webgl' ? 'ok' : 'warn'}`}
          title="tfjs backend in use"
        >
          {backend ? `tfjs: ${backend}` : 'tfjs: starting…'}
        </span>
      </header>
      <div className="notices">
        <ErrorList />
        <RestoredBanner />
        <SessionBanner />
      </div>
      <aside className="side" id="side-panels" hidden={!state.side}>
        <div className={`side-zone${sections.data || sections.train ? '' : ' folded'}`}>
          <DockSection
            title="Data"
            shortcut="1"
            open={sections.data}
            onToggle={() => toggleSection('data')}
          >
            <DataPanel />
          </DockSection>
          <DockSection
            title="Model and training"
            shortcut="2"
            open={sections.train}
            onToggle={() => toggleSection('train')}
          >
            <TrainPanel />
          </DockSection>
        </div>
        <div className={`side-zone${sections.selection ? '' : ' folded'}`}>
          <DockSection
            title="Selection"
            shortcut="3"
            open={sections.selection}
            onToggle={() => toggleSection('selection')}
          >
            <SelectionPanel />
          </DockSection>
        </div>
      </aside>
      <main className="map-area">
        <ExplorerPanel />
        <StatusOverlay />
      </main>
      <BottomDock
        open={state.dock}
        onClose={closeDock}
        panels={{ curves: <MetricsPanel />, runs: <RunsPanel />, popularity: <PopularityPanel /> }}
      />
      <ShortcutsDialog open={state.shortcuts} onClose={() => showShortcuts(false)} />
    </div>
  );
}
