import { IpcError } from '../../../../shared/ipc/index.ts';
import { encodeOutput } from '../../generate/outputs.ts';
import { writeFileAtomic } from '../../storage/atomic.ts';
import type { EngineHandlers } from '../context.ts';

/**
 * `music.write`: the studio's exports, encoded by the same code as the CLI's outputs
 * (generate/outputs.ts), so a take exported from the studio is the file `continuo generate` writes.
 */
export function musicHandlers(): Pick<EngineHandlers, 'music.write'> {
  return {
    'music.write': async ({ path, format, sequence, abc, title }) => {
      const data = encodeOutput({ sequence, ...(abc === undefined ? {} : { abc }) }, format, title);
      try {
        await writeFileAtomic(path, data);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new IpcError({
          code: 'internal',
          message: `Could not write ${path}: ${reason.slice(0, 1000)}. Choose another folder or name.`,
        });
      }
      return { path, bytes: typeof data === 'string' ? Buffer.byteLength(data) : data.length };
    },
  };
}
