/** The page's keyboard shortcuts: one list drives both the handler and the "?" dialog. */
export type ShortcutAction =
  | 'help'
  | 'search'
  | 'train'
  | 'pause'
  | 'side'
  | 'data'
  | 'model'
  | 'selection'
  | 'curves'
  | 'runs'
  | 'popularity'
  | 'close';

export const SHORTCUTS: { key: string; label: string; action: ShortcutAction }[] = [
  { key: '?', label: 'Show these shortcuts', action: 'help' },
  { key: '/', label: 'Search users, items and features', action: 'search' },
  { key: 't', label: 'Train', action: 'train' },
  { key: 'p', label: 'Pause or resume training', action: 'pause' },
  { key: '[', label: 'Hide or show the side panels', action: 'side' },
  { key: '1', label: 'Fold or open Data', action: 'data' },
  { key: '2', label: 'Fold or open Model and training', action: 'model' },
  { key: '3', label: 'Fold or open Selection', action: 'selection' },
  { key: 'c', label: 'Open or close Training curves', action: 'curves' },
  { key: 'r', label: 'Open or close Runs', action: 'runs' },
  { key: 'b', label: 'Open or close Popularity bias', action: 'popularity' },
  { key: 'Escape', label: 'Close this dialog, or the bottom panel', action: 'close' },
];

/**
 * The action a key press asks for, or null. Keys typed into a field, and chords with Ctrl, Alt
 * or Meta (the browser's own shortcuts), are never taken.
 */
export function shortcutFor(e: {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  target: EventTarget | null;
}): ShortcutAction | null {
  if (e.ctrlKey || e.altKey || e.metaKey) return null;
  if (isTyping(e.target) && e.key !== 'Escape') return null;
  return SHORTCUTS.find((s) => s.key === e.key)?.action ?? null;
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as { tagName?: string; isContentEditable?: boolean; type?: string } | null;
  if (!el?.tagName) return false;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  // A checkbox, range or button takes no text, so its shortcuts still work.
  return (
    el.tagName === 'INPUT' && !['checkbox', 'radio', 'range', 'button'].includes(el.type ?? '')
  );
}
