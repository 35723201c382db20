import type { ReactNode } from 'react';
import { DOCK_TABS, type DockTab } from './layout-state';

/**
 * The panels that need room (full curves, runs table, popularity view) share a dock under the
 * map, one at a time. Closed panels stay mounted but `hidden`, so their state survives.
 */
export function BottomDock({
  open,
  onClose,
  panels,
}: {
  open: DockTab | null;
  onClose(): void;
  panels: Record<DockTab, ReactNode>;
}) {
  return (
    <div className="bottom-dock" hidden={open === null}>
      <button
        type="button"
        className="link dock-close"
        aria-label="Close the bottom panel"
        title="Close (Escape)"
        onClick={onClose}
      >
        ✕
      </button>
      {DOCK_TABS.map(({ tab }) => (
        <div key={tab} id={`dock-${tab}`} className="dock-panel" hidden={open !== tab}>
          {panels[tab]}
        </div>
      ))}
    </div>
  );
}

/** The dock's toggles (in the top bar): each named as its panel's heading. */
export function DockToggles({
  open,
  onToggle,
}: {
  open: DockTab | null;
  onToggle(tab: DockTab): void;
}) {
  return (
    <nav className="dock-toggles" aria-label="Panels">
      {DOCK_TABS.map(({ tab, title, key }) => (
        <button
          key={tab}
          type="button"
          aria-expanded={open === tab}
          aria-controls={`dock-${tab}`}
          title={`${title} (${key.toUpperCase()})`}
          onClick={() => onToggle(tab)}
        >
          {title}
        </button>
      ))}
    </nav>
  );
}
