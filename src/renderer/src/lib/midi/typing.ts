/**
 * Musical typing as in DAWs: the home row plays white keys (A S D F G H J K L = C D E F G A B C D),
 * the row above the black keys (W E = C# D#, T Y U = F# G# A#, O P = C# D#), Z/X shift the octave,
 * C/V the velocity. Keys are matched by physical position (`KeyboardEvent.code`), so the layout
 * of the keyboard does not matter.
 */

/** Semitones above the octave's C of each playing key. */
const KEY_OFFSETS: Readonly<Record<string, number>> = {
  KeyA: 0,
  KeyW: 1,
  KeyS: 2,
  KeyE: 3,
  KeyD: 4,
  KeyF: 5,
  KeyT: 6,
  KeyG: 7,
  KeyY: 8,
  KeyH: 9,
  KeyU: 10,
  KeyJ: 11,
  KeyK: 12,
  KeyO: 13,
  KeyL: 14,
  KeyP: 15,
};

/** Octave of the A key's C (4: middle C, MIDI 60). */
export const DEFAULT_TYPING_OCTAVE = 4;
export const DEFAULT_TYPING_VELOCITY = 96;
const MIN_OCTAVE = 0;
const MAX_OCTAVE = 8;
const VELOCITY_STEP = 16;

/** Where musical typing stands: the octave of the A key and the velocity of new notes. */
export interface TypingState {
  octave: number;
  velocity: number;
}

/** What a key does in musical typing. */
export type TypingAction =
  | { kind: 'note'; pitch: number }
  | { kind: 'octave'; delta: -1 | 1 }
  | { kind: 'velocity'; delta: -1 | 1 }
  | undefined;

/** The action of a key (by `KeyboardEvent.code`) at the given octave. */
export function typingAction(code: string, state: TypingState): TypingAction {
  const offset = KEY_OFFSETS[code];
  if (offset !== undefined) {
    const pitch = (state.octave + 1) * 12 + offset;
    return pitch >= 0 && pitch <= 127 ? { kind: 'note', pitch } : undefined;
  }
  if (code === 'KeyZ') return { kind: 'octave', delta: -1 };
  if (code === 'KeyX') return { kind: 'octave', delta: 1 };
  if (code === 'KeyC') return { kind: 'velocity', delta: -1 };
  if (code === 'KeyV') return { kind: 'velocity', delta: 1 };
  return undefined;
}

/** The state after an octave or velocity key (clamped: octaves 0..8, velocity 1..127). */
export function stepTyping(state: TypingState, action: TypingAction): TypingState {
  if (action?.kind === 'octave')
    return { ...state, octave: Math.min(MAX_OCTAVE, Math.max(MIN_OCTAVE, state.octave + action.delta)) };
  if (action?.kind === 'velocity') {
    const next = state.velocity + action.delta * VELOCITY_STEP;
    return {
      ...state,
      velocity: Math.min(127, Math.max(1, action.delta > 0 && state.velocity === 1 ? VELOCITY_STEP : next)),
    };
  }
  return state;
}

/** The letters shown on the on-screen keyboard for each pitch offset (for a hint). */
export function typingKeyLabel(offset: number): string | undefined {
  const entry = Object.entries(KEY_OFFSETS).find(([, value]) => value === offset);
  return entry?.[0].slice(3);
}
