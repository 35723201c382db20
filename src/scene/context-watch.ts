/**
 * Follows the map canvas's WebGL context. three.js's renderer rebuilds its own state when the
 * context comes back (buffers, programs and textures are uploaded again at the next frame), but
 * this map draws only on demand, so nothing would draw it: this draws it again on restore, and
 * says when the context is lost and restored.
 */
export function watchContext(
  canvas: HTMLCanvasElement,
  redraw: () => void,
  notify: (lost: boolean) => void,
): () => void {
  const lost = (ev: Event) => {
    // Without preventDefault the browser never restores the context (three.js does it too).
    ev.preventDefault();
    notify(true);
  };
  const restored = () => {
    // After three.js's own listener (registered first) has rebuilt its state.
    redraw();
    notify(false);
  };
  canvas.addEventListener('webglcontextlost', lost);
  canvas.addEventListener('webglcontextrestored', restored);
  return () => {
    canvas.removeEventListener('webglcontextlost', lost);
    canvas.removeEventListener('webglcontextrestored', restored);
  };
}
