/** Keeps the page's URL in step with the explorer's view (url-state.ts), and restores it on load. */
import type { Lab } from './lab';
import { decodeView, encodeView } from './url-state';

/** Writes after changes settle: training updates the store many times a second. */
const WRITE_DELAY_MS = 300;

export function syncViewWithUrl(lab: Lab): () => void {
  lab.applyView(decodeView(location.search));
  let timer = 0;
  const write = () => {
    timer = 0;
    const search = encodeView(lab.store.get(), lab.cameraState(), location.search);
    if (search !== location.search)
      history.replaceState(history.state, '', `${location.pathname}${search}${location.hash}`);
  };
  const schedule = () => {
    if (!timer) timer = window.setTimeout(write, WRITE_DELAY_MS);
  };
  const offStore = lab.store.subscribe(schedule);
  const offCamera = lab.onCameraChange(schedule);
  return () => {
    offStore();
    offCamera();
    window.clearTimeout(timer);
  };
}
