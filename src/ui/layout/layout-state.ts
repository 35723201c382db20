import { useCallback, useState } from 'react';

/** The side panels that fold, by the name of their heading. */
export type SideSection = 'data' | 'train' | 'selection';
/** The panels of the bottom dock (one shows at a time). */
export type DockTab = 'curves' | 'runs' | 'popularity';

export const DOCK_TABS: { tab: DockTab; title: string; key: string }[] = [
  { tab: 'curves', title: 'Training curves', key: 'c' },
  { tab: 'runs', title: 'Runs', key: 'r' },
  { tab: 'popularity', title: 'Popularity bias', key: 'b' },
];

export interface LayoutState {
  side: boolean;
  sections: Record<SideSection, boolean>;
  dock: DockTab | null;
  shortcuts: boolean;
}

/**
 * Which panels are open: page layout only, so it lives in the view, not in the lab's store (it is
 * not part of a session and no test API reads it). Every panel starts open except the dock,
 * whose panels would take the map's height.
 */
export function useLayout() {
  const [state, setState] = useState<LayoutState>({
    side: true,
    sections: { data: true, train: true, selection: true },
    dock: null,
    shortcuts: false,
  });
  const toggleSection = useCallback(
    (s: SideSection) =>
      setState((p) => ({
        ...p,
        // Opening a section of a hidden side column shows the column.
        side: true,
        sections: { ...p.sections, [s]: !(p.side && p.sections[s]) },
      })),
    [],
  );
  const toggleDock = useCallback(
    (tab: DockTab) => setState((p) => ({ ...p, dock: p.dock === tab ? null : tab })),
    [],
  );
  const closeDock = useCallback(() => setState((p) => ({ ...p, dock: null })), []);
  const toggleSide = useCallback(() => setState((p) => ({ ...p, side: !p.side })), []);
  const showShortcuts = useCallback(
    (shortcuts: boolean) => setState((p) => ({ ...p, shortcuts })),
    [],
  );
  return { state, toggleSection, toggleDock, closeDock, toggleSide, showShortcuts };
}
