import type { EngineContext, EngineHandlers } from '../context.ts';
import { ForegroundActivity } from '../studio/foreground.ts';
import { datasetsHandlers } from './datasets.ts';
import { engineHandlers } from './engine.ts';
import { generationHandlers } from './generation.ts';
import { jobsHandlers } from './jobs.ts';
import { musicHandlers } from './music.ts';
import { trainingHandlers } from './training.ts';

/**
 * Every engine handler, one module per concern. Adding a concern (training, generation) is a
 * new module here plus its requests in `engine_contract.ts`; the type makes a missing one an error.
 */
export function engineHandlerTable(context: EngineContext): EngineHandlers {
  // Generations run in the foreground: training yields a core to them until they finish.
  const foreground = new ForegroundActivity();
  const generation = generationHandlers({
    ...context,
    emit: (event, payload) => {
      if (event === 'generation.finished') foreground.end((payload as { jobId: string }).jobId);
      context.emit(event, payload);
    },
  });
  return {
    ...engineHandlers(),
    ...jobsHandlers(context),
    ...musicHandlers(),
    ...datasetsHandlers(context),
    ...trainingHandlers(context, undefined, foreground),
    'generation.start': async (payload) => {
      foreground.begin(payload.jobId);
      try {
        return await generation['generation.start'](payload);
      } catch (error) {
        foreground.end(payload.jobId);
        throw error;
      }
    },
  };
}
