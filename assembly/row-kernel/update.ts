/**
 * The lazy row optimizers of engines/row-update.ts (the same rules, constants and epsilon
 * placement, tf.train's), applied to the touched rows of a table: four floats at a time where
 * the rule is elementwise, the row's tail one at a time.
 */
import { at, i32At } from './state';

const EPS: f32 = 1e-7;

/**
 * For each of the n row numbers at `touched`: the rule `code` (row-update.ts OPTIMIZER_CODES)
 * on param[o .. o + width) with its gradient (cleared for the next step) and slots s0 / s1.
 */
export function updateRows(
  code: i32,
  param: usize,
  grad: usize,
  s0: usize,
  s1: usize,
  touched: usize,
  n: i32,
  width: i32,
  u0: f32,
  u1: f32,
): void {
  for (let k = 0; k < n; k++) {
    const o = i32At(touched, k) * width;
    const p = at(param, o);
    const g = at(grad, o);
    const a = at(s0, o);
    const b = at(s1, o);
    if (code == 6) adam(p, g, a, b, width, u0, u1);
    else if (code == 0) sgd(p, g, width, u0);
    else scalarRule(code, p, g, a, b, width, u0);
  }
}

function adam(p: usize, g: usize, s0: usize, s1: usize, n: i32, u0: f32, u1: f32): void {
  const b1 = f32x4.splat(0.9);
  const c1 = f32x4.splat(0.1);
  const b2 = f32x4.splat(0.999);
  const c2 = f32x4.splat(0.001);
  const lr = f32x4.splat(u0);
  const vc = f32x4.splat(u1);
  const eps = f32x4.splat(EPS);
  const zero = f32x4.splat(0);
  const end = (<usize>n) << 2;
  let x: usize = 0;
  for (; x + 16 <= end; x += 16) {
    const gk = v128.load(g + x);
    v128.store(g + x, zero);
    const m = f32x4.add(f32x4.mul(b1, v128.load(s0 + x)), f32x4.mul(c1, gk));
    const v = f32x4.add(f32x4.mul(b2, v128.load(s1 + x)), f32x4.mul(c2, f32x4.mul(gk, gk)));
    v128.store(s0 + x, m);
    v128.store(s1 + x, v);
    const step = f32x4.div(f32x4.mul(lr, m), f32x4.add(f32x4.sqrt(f32x4.mul(v, vc)), eps));
    v128.store(p + x, f32x4.sub(v128.load(p + x), step));
  }
  for (; x < end; x += 4) {
    const gk = load<f32>(g + x);
    store<f32>(g + x, 0);
    const m: f32 = 0.9 * load<f32>(s0 + x) + 0.1 * gk;
    const v: f32 = 0.999 * load<f32>(s1 + x) + 0.001 * gk * gk;
    store<f32>(s0 + x, m);
    store<f32>(s1 + x, v);
    store<f32>(p + x, load<f32>(p + x) - (u0 * m) / (Mathf.sqrt(v * u1) + EPS));
  }
}

function sgd(p: usize, g: usize, n: i32, u0: f32): void {
  const lr = f32x4.splat(u0);
  const zero = f32x4.splat(0);
  const end = (<usize>n) << 2;
  let x: usize = 0;
  for (; x + 16 <= end; x += 16) {
    v128.store(p + x, f32x4.sub(v128.load(p + x), f32x4.mul(lr, v128.load(g + x))));
    v128.store(g + x, zero);
  }
  for (; x < end; x += 4) {
    store<f32>(p + x, load<f32>(p + x) - u0 * load<f32>(g + x));
    store<f32>(g + x, 0);
  }
}

/** Momentum, Adagrad, RMSProp, Adamax and Adadelta, one float at a time. */
function scalarRule(code: i32, p: usize, g: usize, s0: usize, s1: usize, n: i32, u0: f32): void {
  const end = (<usize>n) << 2;
  for (let x: usize = 0; x < end; x += 4) {
    const gk = load<f32>(g + x);
    store<f32>(g + x, 0);
    const a = load<f32>(s0 + x);
    let step: f32;
    if (code == 1) {
      const m: f32 = 0.9 * a + gk;
      store<f32>(s0 + x, m);
      step = u0 * m;
    } else if (code == 2) {
      const acc: f32 = a + gk * gk;
      store<f32>(s0 + x, acc);
      step = (u0 * gk) / Mathf.sqrt(acc + EPS);
    } else if (code == 3) {
      const ms: f32 = 0.9 * a + 0.1 * gk * gk;
      store<f32>(s0 + x, ms);
      step = (u0 * gk) / Mathf.sqrt(ms + EPS);
    } else if (code == 4) {
      const m: f32 = 0.9 * a + 0.1 * gk;
      const u: f32 = Mathf.max(0.999 * load<f32>(s1 + x), Mathf.abs(gk));
      store<f32>(s0 + x, m);
      store<f32>(s1 + x, u);
      step = (u0 * m) / (u + EPS);
    } else {
      const b = load<f32>(s1 + x);
      const upd: f32 = (Mathf.sqrt(b + EPS) / Mathf.sqrt(a + EPS)) * gk;
      store<f32>(s0 + x, 0.95 * a + 0.05 * gk * gk);
      store<f32>(s1 + x, 0.95 * b + 0.05 * upd * upd);
      step = u0 * upd;
    }
    store<f32>(p + x, load<f32>(p + x) - step);
  }
}
