/** How the transport bar writes a position: bars:beats, and minutes:seconds. */
import { barAtTick } from '../../../../shared/project/time.ts';
import type { TimeSignatureEvent, Ticks } from '../../../../shared/project/types.ts';

/** `5:2` for bar 5, beat 2. */
export function formatBarsBeats(timeSignatures: readonly TimeSignatureEvent[], tick: Ticks): string {
  const { bar, beat } = barAtTick(timeSignatures, Math.max(0, tick));
  return `${bar}:${beat}`;
}

/** `1:05.3` for 65.3 s (tenths, never negative). */
export function formatClock(seconds: number): string {
  const tenths = Math.floor(Math.max(0, seconds) * 10 + 1e-6);
  const minutes = Math.floor(tenths / 600);
  const rest = (tenths % 600) / 10;
  return `${minutes}:${rest < 10 ? '0' : ''}${rest.toFixed(1)}`;
}
