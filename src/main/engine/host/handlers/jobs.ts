import type { EngineContext, EngineHandlers } from '../context.ts';

/** `jobs.cancel`: aborts any running job (imports now; training and generation later). */
export function jobsHandlers(context: EngineContext): Pick<EngineHandlers, 'jobs.cancel'> {
  return {
    'jobs.cancel': ({ jobId }) => ({ cancelled: context.jobs.cancel(jobId) }),
  };
}
