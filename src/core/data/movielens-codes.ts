/**
 * MovieLens vocabularies that the files only refer to by position or code, as the data sets'
 * READMEs give them (layouts.ts names u.item's columns and users.dat's values with them).
 */

/** The genre flag columns of MovieLens 100K's u.item, in file order (its README and u.genre). */
export const ML_100K_GENRES = [
  'unknown',
  'Action',
  'Adventure',
  'Animation',
  "Children's",
  'Comedy',
  'Crime',
  'Documentary',
  'Drama',
  'Fantasy',
  'Film-Noir',
  'Horror',
  'Musical',
  'Mystery',
  'Romance',
  'Sci-Fi',
  'Thriller',
  'War',
  'Western',
] as const;

/**
 * Lower bounds of MovieLens 1M's age ranges, which are also its age codes (1 = "Under 18",
 * 18 = "18-24", ... 56 = "56+"), so raw ages (100K's u.user) and codes name the same ranges.
 */
export const ML_AGE_RANGES: readonly number[] = [1, 18, 25, 35, 45, 50, 56];

/** MovieLens 1M's occupation codes, as its README lists them. */
export const ML_1M_OCCUPATIONS: Readonly<Record<string, string>> = {
  '0': 'other',
  '1': 'academic/educator',
  '2': 'artist',
  '3': 'clerical/admin',
  '4': 'college/grad student',
  '5': 'customer service',
  '6': 'doctor/health care',
  '7': 'executive/managerial',
  '8': 'farmer',
  '9': 'homemaker',
  '10': 'K-12 student',
  '11': 'lawyer',
  '12': 'programmer',
  '13': 'retired',
  '14': 'sales/marketing',
  '15': 'scientist',
  '16': 'self-employed',
  '17': 'technician/engineer',
  '18': 'tradesman/craftsman',
  '19': 'unemployed',
  '20': 'writer',
};
