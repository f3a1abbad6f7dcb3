import { IpcError, type EngineParsedPayloadOf } from '../../../../shared/ipc/index.ts';
import { encodeOutput } from '../../generate/outputs.ts';
import { multiTrackToMidi } from '../../music/midi_io.ts';
import { writeFileAtomic } from '../../storage/atomic.ts';
import type { EngineHandlers } from '../context.ts';

/** The bytes (or ABC text) a `music.write` request asks for. */
function encoded(payload: EngineParsedPayloadOf<'music.write'>): Uint8Array | string {
  if ('multiTrack' in payload) return multiTrackToMidi(payload.multiTrack);
  const { sequence, abc, format, title } = payload;
  return encodeOutput({ sequence, ...(abc === undefined ? {} : { abc }) }, format, title);
}

/**
 * `music.write`: the studio's exports. A take is encoded by the same code as the CLI's outputs
 * (generate/outputs.ts), so it is the file `continuo generate` writes; a project's tracks by the
 * multi-track writer of the same MIDI module.
 */
export function musicHandlers(): Pick<EngineHandlers, 'music.write'> {
  return {
    'music.write': async (payload) => {
      const { path } = payload;
      const data = encoded(payload);
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
