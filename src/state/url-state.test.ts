import { describe, expect, it } from 'vitest';
import { decodeView, encodeView } from './url-state';
import { initialState, type LabState } from './lab-state';

describe('the view in the URL', () => {
  it('leaves a fresh view out of the address and keeps other parameters', () => {
    expect(encodeView(initialState(), null, '?sample=none')).toBe('?sample=none');
    expect(encodeView(initialState(), null, '')).toBe('');
  });

  it('round-trips every setting that differs, the selection and the camera', () => {
    const fresh = initialState();
    const s: LabState = {
      ...fresh,
      projection: {
        ...fresh.projection,
        method: 'pca',
        dims: 2,
        params: { nNeighbors: 30, minDist: 0.5, perplexity: 12, firstComponent: 2 },
      },
      colorBy: 'norm',
      view: {
        show: { item: true, user: false, feature: true },
        sizeByPopularity: true,
        pointSize: 9,
        labelSize: 0,
        palette: 'colorblind',
        neighbours: { metric: 'dot', k: 25, minSupport: 3 },
      },
      selection: {
        kind: 'item',
        index: 0,
        id: 'a:b,c',
        label: '',
        interactions: 0,
        bias: null,
        norm: null,
        features: [],
        metric: 'dot',
        neighbors: [],
      },
    };
    const url = encodeView(s, [1, 2, 3.14159, 0, 0, -1], '?sample=none');
    expect(new URLSearchParams(url).get('sample')).toBe('none');
    expect(decodeView(url)).toEqual({
      method: 'pca',
      dims: 2,
      nNeighbors: 30,
      minDist: 0.5,
      perplexity: 12,
      firstComponent: 2,
      colorBy: 'norm',
      show: { item: true, user: false, feature: true },
      sizeByPopularity: true,
      pointSize: 9,
      labelSize: 0,
      palette: 'colorblind',
      metric: 'dot',
      k: 25,
      minSupport: 3,
      selection: { kind: 'item', id: 'a:b,c' },
      camera: [1, 2, 3.142, 0, 0, -1],
    });
  });

  it('ignores values it does not know or that are out of range', () => {
    expect(
      decodeView('?proj=mds&dims=4&k=0&nn=1.5&color=red&metric=l1&sel=song:1&cam=1,2'),
    ).toEqual({});
    expect(decodeView('?show=-')).toEqual({ show: { item: false, user: false, feature: false } });
  });
});
