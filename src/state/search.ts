/**
 * Search over the explorer's points: an item's title, id and metadata features (genres, tags), a
 * user's id and attributes, a feature's name. Plain text matches case-insensitively anywhere;
 * `/pattern/flags` is a regular expression (e.g. `/^star wars/i`, `/comedy.*romance/i`).
 */
import type { Dataset, FeatureTable } from '../core/data/types';
import type { PointKind } from './lab-state';
import { featureName, labelOf } from './points';

export interface SearchMatch {
  kind: PointKind;
  index: number;
  label: string;
}

export interface SearchResult {
  /** Every match, items first, then users, then features. */
  matches: SearchMatch[];
  /** Why the query cannot run (an invalid regular expression), else null. */
  error: string | null;
}

/** The query as a predicate over text, or the reason it is not a valid regular expression. */
export function queryMatcher(query: string): ((text: string) => boolean) | string {
  const q = query.trim();
  const re = /^\/(.+)\/([a-z]*)$/.exec(q);
  if (re) {
    try {
      const pattern = new RegExp(re[1], re[2].replace(/[gy]/g, ''));
      return (text) => pattern.test(text);
    } catch (e) {
      return `not a valid regular expression: ${(e as Error).message}`;
    }
  }
  const lower = q.toLowerCase();
  return (text) => text.toLowerCase().includes(lower);
}

/** Names of an entity's features. */
function namesOf(t: FeatureTable, index: number): string[] {
  const out: string[] = [];
  for (let k = t.offsets[index]; k < t.offsets[index + 1]; k++) out.push(t.names[t.values[k]]);
  return out;
}

export function searchPoints(d: Dataset, query: string): SearchResult {
  if (query.trim().length < 2) return { matches: [], error: null };
  const match = queryMatcher(query);
  if (typeof match === 'string') return { matches: [], error: match };
  const matches: SearchMatch[] = [];
  const any = (texts: string[]) => texts.some(match);
  for (let i = 0; i < d.itemIds.length; i++)
    if (any([d.itemLabels[i], d.itemIds[i], ...namesOf(d.itemFeatures, i)]))
      matches.push({ kind: 'item', index: i, label: d.itemLabels[i] });
  for (let u = 0; u < d.userIds.length; u++)
    if (any([labelOf(d, 'user', u), ...namesOf(d.userFeatures, u)]))
      matches.push({ kind: 'user', index: u, label: labelOf(d, 'user', u) });
  const features = d.itemFeatures.names.length + d.userFeatures.names.length;
  for (let f = 0; f < features; f++)
    if (match(featureName(d, f)))
      matches.push({ kind: 'feature', index: f, label: featureName(d, f) });
  return { matches, error: null };
}
