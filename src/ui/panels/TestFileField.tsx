import { useLab, useLabState } from '../lab-context';
import { FileInput } from '../controls/FileInput';

/**
 * The "Test file" split's second file: what it gave (and left out), or what it should be. The
 * file stays with the loaded data set, so choosing another split and back keeps it.
 */
export function TestFileField({ disabled }: { disabled: boolean }) {
  const lab = useLab();
  const testFile = useLabState((s) => s.testFile);
  const reading = useLabState((s) => s.importProgress !== null);
  return (
    <div className="test-file">
      <FileInput
        label="Test interactions file"
        disabled={disabled || reading}
        onFiles={([f]) => void lab.testFile.open(f)}
      />
      {testFile ? (
        <p className="note small" role="status" data-testid="test-file-note">
          {testFile.note}
        </p>
      ) : (
        <p className="muted small">
          The loaded file trains (its validation part carved from it); this file, in the same layout
          (e.g. MovieLens u1.test beside u1.base), is the test part.
        </p>
      )}
    </div>
  );
}
