/** Model registry: registry name -> factory. Descriptions and defaults live in catalog.ts. */
import { BiasedMF } from './biased-mf';
import { AutoRec } from './autorec';
import { BPR } from './bpr';
import { Baseline, GlobalMean, Popularity } from './fitted';
import { FactorizationMachine, Hybrid } from './hybrid';
import { SVDpp } from './svdpp';
import { YouTubeDNN } from './youtube-dnn';
import { MODELS } from './catalog';
import type { ModelContext, RecModel } from './types';

const FACTORIES: Record<string, (ctx: ModelContext) => RecModel> = {
  'global-mean': (ctx) => new GlobalMean(ctx),
  baseline: (ctx) => new Baseline(ctx),
  popularity: (ctx) => new Popularity(ctx),
  'biased-mf': (ctx) => new BiasedMF(ctx),
  svdpp: (ctx) => new SVDpp(ctx),
  fm: (ctx) => new FactorizationMachine(ctx),
  hybrid: (ctx) => new Hybrid(ctx),
  bpr: (ctx) => new BPR(ctx),
  'youtube-dnn': (ctx) => new YouTubeDNN(ctx),
  autorec: (ctx) => new AutoRec(ctx),
};

export function createModel(name: string, ctx: ModelContext): RecModel {
  const factory = FACTORIES[name];
  if (!factory)
    throw new Error(`unknown model "${name}"; known: ${MODELS.map((m) => m.name).join(', ')}`);
  return factory(ctx);
}
