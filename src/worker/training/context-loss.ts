/**
 * Watches the training backend's WebGL context (tfjs's OffscreenCanvas in this worker) and
 * rebuilds the backend when the browser takes it away: a driver reset, a laptop switching GPUs,
 * too many contexts. A lost context loses every texture, so the session resumes from the last
 * finished epoch's parameters, which it keeps as typed arrays (trainer-state.ts).
 */
import { tf } from '../../core/tf/tfjs';
import { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { selectBackend, type BackendChoice } from './backend';
import type { GpuGuard } from '../../core/training/recovery';

/** The webgl backend's context, or null on another backend. */
function currentGl(): WebGL2RenderingContext | WebGLRenderingContext | null {
  if (tf.getBackend() !== 'webgl') return null;
  return (tf.backend() as MathBackendWebGL).gpgpu.gl;
}

/** How long a forced loss lasts before the browser is asked to restore the old context. */
const RESTORE_AFTER_MS = 50;

export class WebglGuard implements GpuGuard {
  private gl: WebGL2RenderingContext | WebGLRenderingContext | null = null;
  private flagged = false;
  private signal: Promise<void> = new Promise(() => undefined);
  private fire: () => void = () => undefined;

  /** Listens on the backend in use (call after the backend is chosen, and after each rebuild). */
  attach(): void {
    this.flagged = false;
    this.signal = new Promise<void>((resolve) => (this.fire = resolve));
    const gl = (this.gl = currentGl());
    const canvas = gl?.canvas as (OffscreenCanvas | HTMLCanvasElement) | undefined;
    (canvas as EventTarget | undefined)?.addEventListener('webglcontextlost', (ev) => {
      // tfjs's own listener also calls preventDefault (so the context may be restored) and
      // forgets the context, so the next backend creates a canvas of its own.
      ev.preventDefault();
      if (gl !== this.gl) return;
      this.flagged = true;
      this.fire();
    });
  }

  isLost(): boolean {
    if (!this.gl) return false;
    if (!this.flagged && this.gl.isContextLost()) {
      this.flagged = true;
      this.fire();
    }
    return this.flagged;
  }

  lost(): Promise<void> {
    return this.signal;
  }

  async rebuild(): Promise<BackendChoice> {
    try {
      // Frees what the old backend held (its GL calls are no-ops on a lost context).
      tf.removeBackend('webgl');
    } catch {
      // A backend that cannot even be disposed is dropped all the same.
    }
    tf.registerBackend('webgl', () => new MathBackendWebGL(), 2);
    const choice = await selectBackend('webgl');
    this.attach();
    return choice;
  }

  loseForTest(): string | null {
    const gl = this.gl;
    const ext = gl?.getExtension('WEBGL_lose_context');
    if (!gl || !ext) return 'the training backend is not WebGL: there is no context to lose';
    ext.loseContext();
    // As a browser does after a reset: the old context comes back (tfjs has moved on by then).
    setTimeout(() => {
      try {
        ext.restoreContext();
      } catch {
        // Already restored, or the canvas is gone: nothing to do.
      }
    }, RESTORE_AFTER_MS);
    return null;
  }
}
