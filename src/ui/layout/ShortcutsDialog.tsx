import { useEffect, useRef } from 'react';
import { SHORTCUTS } from './shortcuts';

/**
 * The list of keyboard shortcuts, as a modal `<dialog>`: the browser traps focus in it, closes it
 * on Escape and gives focus back to what had it.
 */
export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="shortcuts"
      aria-labelledby="shortcuts-heading"
      onClose={onClose}
      onClick={(e) => {
        // A click on the backdrop (the dialog element itself, outside its content) closes it.
        if (e.target === ref.current) onClose();
      }}
    >
      <div className="shortcuts-body">
        <h2 id="shortcuts-heading">Keyboard shortcuts</h2>
        <table>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.key}>
                <td>
                  <kbd>{s.key}</kbd>
                </td>
                <td>{s.label}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted small">
          Keys typed into a field stay in the field. In the map: drag to orbit, scroll to zoom,
          arrow keys to rotate, click a point to select it.
        </p>
        <button type="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </dialog>
  );
}
