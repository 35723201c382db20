/**
 * The point sprite shader: one draw call for every point, shape/colour/size per point from
 * attributes, a thin dark outline so overlapping points stay readable, and selection emphasis.
 */

import { ShaderMaterial, Vector3 } from 'three';

/** Point shapes, as stored in the `shape` attribute. */
export const SHAPE_DISC = 0;
export const SHAPE_SQUARE = 1;
export const SHAPE_TRIANGLE = 2;

/** Values of the `emphasis` attribute. */
export const EMPHASIS_NONE = 0;
export const EMPHASIS_NEIGHBOUR = 1;
export const EMPHASIS_SELECTED = 2;
/** How much the shader enlarges neighbours and the selected point (picking must agree). */
export const GROW_NEIGHBOUR = 1.3;
export const GROW_SELECTED = 1.8;

/** Canvas background, sRGB 0..1 (#0f1117). */
export const BACKGROUND: readonly [number, number, number] = [0x0f / 255, 0x11 / 255, 0x17 / 255];

const vertexShader = /* glsl */ `
#define GROW_NEIGHBOUR ${GROW_NEIGHBOUR.toFixed(3)}
#define GROW_SELECTED ${GROW_SELECTED.toFixed(3)}
attribute vec3 pointColor;
attribute float shape;
attribute float size;
attribute float visible;
attribute float emphasis;
uniform float uPixelRatio;
uniform float uHasSelection;
uniform vec3 uBackground;
varying vec3 vColor;
varying float vShape;
varying float vSizePx;
varying float vEmphasis;

void main() {
  if (visible < 0.5) {
    // Outside the clip volume: hidden points cost a vertex, never a fragment.
    gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
    gl_PointSize = 0.0;
    return;
  }
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
  // 2D layouts put every point at the same depth: pull emphasised ones slightly forward.
  gl_Position.z -= 0.002 * emphasis * gl_Position.w;
  float grow = emphasis > 1.5 ? GROW_SELECTED : (emphasis > 0.5 ? GROW_NEIGHBOUR : 1.0);
  vSizePx = max(size * grow * uPixelRatio, 1.0);
  gl_PointSize = vSizePx;
  vColor = (uHasSelection > 0.5 && emphasis < 0.5) ? mix(pointColor, uBackground, 0.55) : pointColor;
  vShape = shape;
  vEmphasis = emphasis;
}
`;

const fragmentShader = /* glsl */ `
uniform float uPixelRatio;
varying vec3 vColor;
varying float vShape;
varying float vSizePx;
varying float vEmphasis;

// Signed distance (negative inside) to an equilateral triangle with half-side r, centroid at 0.
float triangle(vec2 p, float r) {
  const float k = 1.7320508;
  p.x = abs(p.x) - r;
  p.y = p.y + r / k;
  if (p.x + k * p.y > 0.0) p = vec2(p.x - k * p.y, -k * p.x - p.y) / 2.0;
  p.x -= clamp(p.x, -2.0 * r, 0.0);
  return -length(p) * sign(p.y);
}

void main() {
  vec2 p = gl_PointCoord * 2.0 - 1.0;
  p.y = -p.y;
  float dist;
  if (vShape < 0.5) {
    dist = length(p) - 1.0;
  } else if (vShape < 1.5) {
    vec2 q = abs(p);
    dist = max(q.x, q.y) - 0.86; // about the disc's area, so shape does not read as size
  } else {
    // The largest equilateral triangle the sprite holds, centroid moved down to centre it.
    dist = triangle(p - vec2(0.0, -0.28), 0.98);
  }
  if (dist > 0.0) discard;
  float onePx = 2.0 / vSizePx * uPixelRatio; // one CSS px in sprite units
  bool selected = vEmphasis > 1.5;
  float outline = (selected ? 2.0 : 1.0) * onePx;
  vec3 edge = selected ? vec3(1.0) : vec3(0.03, 0.035, 0.05);
  gl_FragColor = vec4(dist > -outline ? edge : vColor, 1.0);
}
`;

/** A new point material; the caller owns (and disposes) it. */
export function createPointMaterial(pixelRatio: number): ShaderMaterial {
  return new ShaderMaterial({
    vertexShader,
    fragmentShader,
    uniforms: {
      uPixelRatio: { value: pixelRatio },
      uHasSelection: { value: 0 },
      // Raw sRGB values: the shader writes colours as given, without colour management.
      uBackground: { value: new Vector3(...BACKGROUND) },
    },
    depthTest: true,
    depthWrite: true,
    transparent: false,
  });
}
