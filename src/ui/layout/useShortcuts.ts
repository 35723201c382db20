import { useEffect } from 'react';
import type { Lab } from '../../state/lab';
import { shortcutFor, type ShortcutAction } from './shortcuts';
import type { useLayout } from './layout-state';

/** Listens for the page's shortcuts (see shortcuts.ts) on the window. */
export function useShortcuts(lab: Lab, layout: ReturnType<typeof useLayout>): void {
  const { state, toggleSection, toggleDock, closeDock, toggleSide, showShortcuts } = layout;
  useEffect(() => {
    const run = (action: ShortcutAction): boolean => {
      // The open dialog has the keyboard (it closes itself on Escape).
      if (state.shortcuts) return false;
      const status = lab.store.get().training.status;
      switch (action) {
        case 'help':
          showShortcuts(true);
          return true;
        case 'search': {
          toggleSectionOpen();
          const box = document.querySelector<HTMLInputElement>('.selection input[type="search"]');
          // After React shows the section (a hidden input takes no focus).
          requestAnimationFrame(() => box?.focus());
          return true;
        }
        case 'train':
          if (status === 'running' || status === 'paused' || !lab.store.get().dataset) return false;
          lab.train();
          return true;
        case 'pause':
          if (status === 'running') lab.pause();
          else if (status === 'paused') lab.resume();
          else return false;
          return true;
        case 'side':
          toggleSide();
          return true;
        case 'data':
          toggleSection('data');
          return true;
        case 'model':
          toggleSection('train');
          return true;
        case 'selection':
          toggleSection('selection');
          return true;
        case 'curves':
        case 'runs':
        case 'popularity':
          toggleDock(action);
          return true;
        case 'close':
          if (state.dock === null) return false;
          closeDock();
          return true;
      }
    };
    const toggleSectionOpen = () => {
      if (!state.side || !state.sections.selection) toggleSection('selection');
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      const action = shortcutFor(e);
      if (action && run(action)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [lab, state, toggleSection, toggleDock, closeDock, toggleSide, showShortcuts]);
}
