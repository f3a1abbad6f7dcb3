import type { NoteWire } from '../../../shared/ipc/index.ts';

/** A playing preview: stop it early with `stop()`; `ended` resolves when it is over. */
export interface Playback {
  stop(): void;
  ended: Promise<void>;
}

/**
 * Plays notes with a Tone.js PolySynth (works offline; no samples to fetch). Tone is loaded
 * on first use so the studio starts without it.
 */
export async function playNotes(notes: readonly NoteWire[]): Promise<Playback> {
  const Tone = await import('tone');
  await Tone.start();
  const synth = new Tone.PolySynth(Tone.Synth, {
    envelope: { attack: 0.005, decay: 0.1, sustain: 0.3, release: 0.4 },
  }).toDestination();
  synth.volume.value = -10;
  const start = Tone.now() + 0.1;
  let end = 0;
  for (const note of notes) {
    const length = Math.max(0.05, note.endTime - note.startTime);
    synth.triggerAttackRelease(
      Tone.Frequency(note.pitch, 'midi').toFrequency(),
      length,
      start + note.startTime,
      note.velocity / 127,
    );
    end = Math.max(end, note.endTime);
  }
  let finish: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (finish = resolve));
  const timer = setTimeout(() => stop(), (end + 0.8) * 1000);
  function stop(): void {
    clearTimeout(timer);
    synth.releaseAll();
    setTimeout(() => synth.dispose(), 500);
    finish();
  }
  return { stop, ended };
}
