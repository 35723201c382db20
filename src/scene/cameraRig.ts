/**
 * Camera + OrbitControls for the point cloud: orbit/zoom/pan with damping in 3D, pan/zoom only in 2D,
 * keyboard navigation, and framing. Knows nothing about points beyond a bounding sphere.
 */

import { MOUSE, PerspectiveCamera, TOUCH, Vector3 } from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';

const FOV_DEG = 45;
/** 3D view direction on reset: from the front-right, a little above, so depth reads at once. */
const VIEW_3D = new Vector3(0.75, 0.45, 1).normalize();
const KEY_ANGLE = Math.PI / 36; // 5 degrees per arrow press
const KEY_PAN_PX = 40;
const KEY_ZOOM = 1.2;
/**
 * A camera that moved less than this share of its distance to the target has not moved. The
 * controls' own test can stay true for ever (a distance clamped at maxDistance rounds to a new
 * value on every update), which kept an idle page drawing about 100 frames a second.
 */
const STILL = 1e-6;

export class CameraRig {
  readonly camera: PerspectiveCamera;
  readonly controls: OrbitControls;
  private dims: 2 | 3 = 3;

  constructor(element: HTMLElement, onChange: () => void) {
    this.camera = new PerspectiveCamera(FOV_DEG, 1, 0.005, 200);
    this.controls = new OrbitControls(this.camera, element);
    this.controls.enableDamping = true;
    this.controls.dampingFactor = 0.15;
    this.controls.screenSpacePanning = true;
    this.controls.zoomToCursor = true;
    this.controls.minDistance = 0.02;
    this.controls.maxDistance = 60;
    this.controls.addEventListener('change', () => {
      if (this.moved()) onChange();
    });
    this.setDims(3);
  }

  /** The camera state last reported as a change. */
  private last: number[] = [];

  /** Whether the camera moved since the last change reported (and notes where it is now). */
  private moved(): boolean {
    const now = this.state();
    const moved = this.differs(this.last, now);
    if (moved) this.last = now;
    return moved;
  }

  /** Whether two camera states are apart by more than STILL of the viewing distance. */
  private differs(a: number[], b: number[]): boolean {
    const distance = this.camera.position.distanceTo(this.controls.target) || 1;
    return b.some((v, k) => !(Math.abs(v - a[k]) <= STILL * distance));
  }

  /** 2D: the left button pans and rotation is off, so the plane can never be seen edge-on. */
  setDims(dims: 2 | 3): void {
    this.dims = dims;
    const c = this.controls;
    c.enableRotate = dims === 3;
    c.mouseButtons = {
      LEFT: dims === 3 ? MOUSE.ROTATE : MOUSE.PAN,
      MIDDLE: MOUSE.DOLLY,
      RIGHT: MOUSE.PAN,
    };
    c.touches = { ONE: dims === 3 ? TOUCH.ROTATE : TOUCH.PAN, TWO: TOUCH.DOLLY_PAN };
  }

  setAspect(aspect: number): void {
    this.camera.aspect = aspect;
    this.camera.updateProjectionMatrix();
  }

  /** Frames a sphere (world units): straight down the z axis in 2D, from VIEW_3D in 3D. */
  frame(centre: [number, number, number], radius: number): void {
    const c = this.controls;
    // Finish any damped motion first, or it would carry on from the new view.
    c.enableDamping = false;
    c.update();
    c.enableDamping = true;
    const halfV = ((FOV_DEG / 2) * Math.PI) / 180;
    const halfH = Math.atan(Math.tan(halfV) * this.camera.aspect);
    const distance = (radius / Math.sin(Math.min(halfV, halfH))) * 1.08;
    const dir = this.dims === 2 ? new Vector3(0, 0, 1) : VIEW_3D;
    c.target.set(...centre);
    this.camera.up.set(0, 1, 0);
    this.camera.position.copy(c.target).addScaledVector(dir, distance);
    c.update();
  }

  /** Handles a key on the focused canvas; true when it was one of ours (caller stops scrolling). */
  handleKey(key: string): boolean {
    const c = this.controls;
    switch (key) {
      case 'ArrowLeft':
      case 'ArrowRight': {
        const sign = key === 'ArrowLeft' ? 1 : -1;
        if (this.dims === 3) c.rotateLeft(sign * KEY_ANGLE);
        else c.pan(sign * KEY_PAN_PX, 0);
        return true;
      }
      case 'ArrowUp':
      case 'ArrowDown': {
        const sign = key === 'ArrowUp' ? 1 : -1;
        if (this.dims === 3) c.rotateUp(sign * KEY_ANGLE);
        else c.pan(0, sign * KEY_PAN_PX);
        return true;
      }
      case '+':
      case '=':
        // OrbitControls' dollyIn multiplies the distance by its argument.
        c.dollyIn(1 / KEY_ZOOM);
        return true;
      case '-':
      case '_':
        c.dollyIn(KEY_ZOOM);
        return true;
      default:
        return false;
    }
  }

  /** Camera position then orbit target, world units (6 numbers). */
  state(): number[] {
    return [...this.camera.position.toArray(), ...this.controls.target.toArray()];
  }

  /** Puts the camera at a `state()`, with no damped motion carried over. */
  setState(v: number[]): void {
    const c = this.controls;
    c.target.set(v[3], v[4], v[5]);
    this.camera.position.set(v[0], v[1], v[2]);
    c.enableDamping = false;
    c.update();
    c.enableDamping = true;
  }

  /** Advances damping; true while the camera is still moving. */
  update(): boolean {
    const before = this.state();
    this.controls.update();
    return this.differs(before, this.state());
  }

  dispose(): void {
    this.controls.dispose();
  }
}
