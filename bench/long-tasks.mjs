// Names what the page's long tasks spent their time in, from a main-thread CPU profile
// (bench/scale-app.mjs writes one with SCALE_PROFILE=file). A task here is a stretch of
// samples with no idle sample between them; each stretch over the bound (200 ms, the issue's)
// is printed with its length and the functions that took most of it, inclusive of callees.
// For readable names, profile a build without minification:
//   npx vite build --minify false --outDir /tmp/dist-plain
//   BENCH_OUT_DIR=/tmp/dist-plain SCALE_PROFILE=/tmp/scale.cpuprofile node bench/run.mjs --scale=5000000
//   node bench/long-tasks.mjs /tmp/scale.cpuprofile [boundMs]
import { readFileSync } from 'node:fs';

const [file, boundArg] = process.argv.slice(2);
if (!file) throw new Error('usage: node bench/long-tasks.mjs file.cpuprofile [boundMs]');
const bound = Number(boundArg ?? 200);
const input = JSON.parse(readFileSync(file, 'utf8'));
if (input.nodes) fromProfile(input);
else fromTrace(input.traceEvents ?? input);

/**
 * A trace (SCALE_TRACE): the main thread's tasks over the bound, each with its thread time (a
 * task that ran much less than its wall time waited for a core) and the events that took most
 * of it, by self time.
 */
function fromTrace(events) {
  const main = events.filter(
    (e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain',
  );
  const count = (pid, tid) => events.filter((e) => e.pid === pid && e.tid === tid).length;
  const [thread] = main
    .map((m) => ({ pid: m.pid, tid: m.tid, n: count(m.pid, m.tid) }))
    .sort((a, b) => b.n - a.n);
  const own = events
    .filter((e) => e.ph === 'X' && e.pid === thread.pid && e.tid === thread.tid && e.dur >= 0)
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const label = (e) => {
    const d = e.args?.data;
    if (d?.functionName || d?.url)
      return `${e.name} ${d.functionName || ''} ${(d.url ?? '').split('/').pop()}:${d.lineNumber ?? ''}`;
    return e.name;
  };
  const tasks = [];
  let end = -1;
  for (const e of own) {
    if (e.ts < end) continue;
    if (/RunTask/.test(e.name)) {
      end = e.ts + e.dur;
      if (e.dur > bound * 1000) tasks.push(e);
    }
  }
  const t0 = own[0]?.ts ?? 0;
  console.log(`${tasks.length} tasks over ${bound} ms on the main thread`);
  for (const task of tasks) {
    const inside = own.filter(
      (e) => e !== task && e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur,
    );
    const self = new Map();
    const stack = [];
    const close = (upTo) => {
      while (stack.length && stack.at(-1).end <= upTo) stack.pop();
    };
    for (const e of inside) {
      close(e.ts);
      const top = stack.at(-1);
      if (top) self.set(top.key, (self.get(top.key) ?? 0) - e.dur);
      const key = label(e);
      self.set(key, (self.get(key) ?? 0) + e.dur);
      stack.push({ key, end: e.ts + e.dur });
    }
    const thread = task.tdur === undefined ? '' : `, thread ${(task.tdur / 1000).toFixed(0)} ms`;
    console.log(
      `\n${(task.dur / 1000).toFixed(0)} ms${thread}, at ${((task.ts - t0) / 1e6).toFixed(1)} s`,
    );
    for (const [k, us] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10))
      console.log(`  ${(us / 1000).toFixed(0).padStart(6)}  ${k}`);
  }
}

/** A CPU profile (SCALE_PROFILE): busy stretches over the bound, by inclusive time. */
function fromProfile(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const name = (n) => {
    const f = n.callFrame;
    if (!f.url) return f.functionName || '(native)';
    return `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
  };
  const idle = (id) => byId.get(id).callFrame.functionName === '(idle)';

  /** The stretches of busy samples: [first index, last index, ms]. */
  const stretches = [];
  let start = -1;
  let ms = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    if (idle(id)) {
      if (start >= 0) stretches.push([start, i - 1, ms]);
      start = -1;
      ms = 0;
      return;
    }
    if (start < 0) start = i;
    ms += dt;
  });
  if (start >= 0) stretches.push([start, profile.samples.length - 1, ms]);

  const long = stretches.filter((s) => s[2] > bound);
  const t0 = profile.startTime;
  let at = t0;
  const times = profile.timeDeltas.map((d) => (at += d));
  console.log(`${long.length} stretches over ${bound} ms (of ${stretches.length})`);
  for (const [a, b, total] of long) {
    const inclusive = new Map();
    for (let i = a; i <= b; i++) {
      const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
      const seen = new Set();
      for (let q = profile.samples[i]; q !== undefined; q = parent.get(q)) {
        const key = name(byId.get(q));
        if (seen.has(key)) continue;
        seen.add(key);
        inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
      }
    }
    const top = [...inclusive.entries()]
      .filter(([k]) => k !== '(root)')
      .sort((x, y) => y[1] - x[1])
      .slice(0, 14);
    console.log(`\n${total.toFixed(0)} ms at ${((times[a] - t0) / 1e6).toFixed(1)} s`);
    for (const [k, v] of top) console.log(`  ${v.toFixed(0).padStart(6)}  ${k}`);
  }
}
