/** Model registry: registry name -> factory. Descriptions and defaults live in catalog.ts. */
import { BiasedMF } from './biased-mf';
import { BPR } from './bpr';
import { MODELS } from './catalog';
import type { ModelContext, RecModel } from './types';

const FACTORIES: Record<string, (ctx: ModelContext) => RecModel> = {
  'biased-mf': (ctx) => new BiasedMF(ctx),
  bpr: (ctx) => new BPR(ctx),
};

export function createModel(name: string, ctx: ModelContext): RecModel {
  const factory = FACTORIES[name];
  if (!factory)
    throw new Error(`unknown model "${name}"; known: ${MODELS.map((m) => m.name).join(', ')}`);
  return factory(ctx);
}
