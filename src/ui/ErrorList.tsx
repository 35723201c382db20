import { useLab, useLabState } from './lab-context';

/** Errors shown to the person, each dismissable; the page keeps working underneath. */
export function ErrorList() {
  const lab = useLab();
  const errors = useLabState((s) => s.errors);
  if (!errors.length) return null;
  return (
    <div className="errors" role="alert">
      {errors.map((e, i) => (
        <div className="error-item" key={i}>
          <span>
            <strong>{e.source}:</strong> {e.message}
          </span>
          <button
            type="button"
            className="link"
            aria-label="Dismiss error"
            onClick={() => lab.dismissError(i)}
          >
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
