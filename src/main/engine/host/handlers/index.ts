import type { EngineContext, EngineHandlers } from '../context.ts';
import { datasetsHandlers } from './datasets.ts';
import { engineHandlers } from './engine.ts';
import { generationHandlers } from './generation.ts';
import { jobsHandlers } from './jobs.ts';
import { trainingHandlers } from './training.ts';

/**
 * Every engine handler, one module per concern. Adding a concern (training, generation) is a
 * new module here plus its requests in `engine_contract.ts`; the type makes a missing one an error.
 */
export function engineHandlerTable(context: EngineContext): EngineHandlers {
  return {
    ...engineHandlers(),
    ...jobsHandlers(context),
    ...datasetsHandlers(context),
    ...trainingHandlers(context),
    ...generationHandlers(context),
  };
}
