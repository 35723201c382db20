import { useId, type ReactNode } from 'react';

/**
 * A side panel that folds to its title. The body stays in the DOM when folded (the `hidden`
 * attribute), so a panel's half-typed fields survive, and the toggle's name is the panel's
 * heading, which is how the contract says a test opens a folded panel.
 */
export function DockSection({
  title,
  open,
  onToggle,
  shortcut,
  className = '',
  children,
}: {
  title: string;
  open: boolean;
  onToggle(): void;
  /** The key that toggles it, shown as a hint. */
  shortcut?: string;
  className?: string;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <div className={`dock-section ${open ? 'open' : 'folded'} ${className}`}>
      <button
        type="button"
        className="dock-toggle"
        aria-expanded={open}
        aria-controls={id}
        onClick={onToggle}
      >
        <span className="chevron" aria-hidden="true">
          {open ? '▾' : '▸'}
        </span>
        {title}
        {shortcut && (
          <kbd className="key-hint" aria-hidden="true">
            {shortcut}
          </kbd>
        )}
      </button>
      <div id={id} className="dock-body" hidden={!open}>
        {children}
      </div>
    </div>
  );
}
