/** Rating-prediction metrics over typed arrays. Predictions are clipped to the rating range. */

export interface RatingMetrics {
  rmse: number;
  mae: number;
}

/** predicted, actual: [n]; clip bounds are the data set's rating range. */
export function ratingMetrics(
  predicted: Float32Array,
  actual: Float32Array,
  clipMin = -Infinity,
  clipMax = Infinity,
): RatingMetrics {
  const n = actual.length;
  if (predicted.length !== n)
    throw new Error(`metrics: ${predicted.length} predictions for ${n} ratings`);
  if (n === 0) return { rmse: NaN, mae: NaN };
  let se = 0;
  let ae = 0;
  for (let k = 0; k < n; k++) {
    const p = Math.min(clipMax, Math.max(clipMin, predicted[k]));
    const e = p - actual[k];
    se += e * e;
    ae += Math.abs(e);
  }
  return { rmse: Math.sqrt(se / n), mae: ae / n };
}
