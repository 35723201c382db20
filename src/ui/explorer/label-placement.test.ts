import { describe, expect, it } from 'vitest';
import { labelBox, placeLabels, type LabelCandidate } from './label-placement';

const at = (key: string, x: number, y: number, text = 'Label', main = false): LabelCandidate => ({
  key,
  text,
  x,
  y,
  main,
});
const view = { size: 12, width: 400, height: 300, max: 40 };

describe('placeLabels', () => {
  it('keeps apart labels that do not touch, in their order', () => {
    const placed = placeLabels(
      [at('a', 10, 20, 'A', true), at('b', 10, 100), at('c', 200, 20)],
      view,
    );
    expect(placed.map((l) => l.key)).toEqual(['a', 'b', 'c']);
    expect(placed[0].main).toBe(true);
  });

  it('leaves out a label that would overlap one of higher priority', () => {
    const placed = placeLabels(
      [at('sel', 50, 50, 'Selected'), at('near', 60, 55), at('far', 50, 200)],
      view,
    );
    expect(placed.map((l) => l.key)).toEqual(['sel', 'far']);
  });

  it('never places two overlapping labels, whatever the input', () => {
    // A dense grid of points with long names.
    const many: LabelCandidate[] = [];
    for (let i = 0; i < 200; i++)
      many.push(at(`p${i}`, (i * 37) % 400, (i * 53) % 300, `item ${i} name`));
    const placed = placeLabels(many, { ...view, max: 1000 });
    expect(placed.length).toBeGreaterThan(5);
    const boxes = placed.map((l) => labelBox(l, view.size));
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        const clip = (v: typeof a) => ({
          x0: Math.max(0, v.x0),
          y0: Math.max(0, v.y0),
          x1: Math.min(400, v.x1),
          y1: Math.min(300, v.y1),
        });
        const [p, q] = [clip(a), clip(b)];
        expect(p.x0 < q.x1 && q.x0 < p.x1 && p.y0 < q.y1 && q.y0 < p.y1).toBe(false);
      }
  });

  it('leaves out points outside the canvas, and does not let the cut-off part block others', () => {
    const placed = placeLabels(
      [
        at('out', -5, 50),
        at('below', 100, 301),
        at('edge', 390, 100, 'A very long title'),
        at('nan', NaN, 3),
      ],
      view,
    );
    expect(placed.map((l) => l.key)).toEqual(['edge']);
    // A point on the top edge: its box's upper half is cut off, and the rest blocks nothing below.
    const top = placeLabels([at('top', 10, 0), at('second', 10, 30)], view);
    expect(top.map((l) => l.key)).toEqual(['top', 'second']);
  });

  it('places at most `max`, the first ones, and none at size 0', () => {
    const rows = Array.from({ length: 10 }, (_, i) => at(`r${i}`, 10, 10 + i * 30));
    expect(placeLabels(rows, { ...view, max: 3 }).map((l) => l.key)).toEqual(['r0', 'r1', 'r2']);
    expect(placeLabels(rows, { ...view, size: 0 })).toEqual([]);
  });
});
