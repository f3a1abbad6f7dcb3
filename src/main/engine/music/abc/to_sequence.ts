/**
 * Builds a NoteSequence from abcjs's parse tree of one tune (abcjs parses; the playing is ours).
 *
 * Rules (abc2midi run with `-NGRA -NFER -NGUI` agrees on 95.6% of Nottingham's tunes):
 * - each voice is one instrument; voices play from time 0, with repeats, endings and the
 *   header's P: part order expanded (repeats.ts); a jump takes the key written where it lands;
 * - grace notes are left out and decorations (trills, rolls, fermatas, staccato) do not change
 *   the written notes; chord symbols ("Am") are not notes; the written rhythm is played
 *   (hornpipes are not swung, unlike abc2midi, unless `hornpipeSwing` asks for it: swing.ts);
 * - tied notes become one note; chords [CEG] give simultaneous notes; inline [K:] [M:] [L:] apply;
 * - accidentals hold to the end of the bar for the same letter and octave (ABC 2.1; abc2midi
 *   carries them into other octaves: `accidentalScope: 'letter'`);
 * - Q: sets the tempo, else 120 quarter notes per minute (abc2midi's default).
 */
import type {
  InstrumentInfo,
  KeySignature,
  Note,
  NoteSequence,
  TimeSignature,
} from '../../../../shared/music/note_sequence.ts';
import { type AccidentalScope, BarAccidentals, keyOf, keyShifts, midiPitch } from './pitch.ts';
import { playOrder } from './repeats.ts';
import { hornpipeDurations, hornpipeMeter, isHornpipeTune } from './swing.ts';
import type { AbcElement, AbcKey, AbcMeter, AbcParsedTune } from './tree.ts';

/** Velocity of every imported ABC note (ABC has no dynamics the importer reads). */
export const ABC_VELOCITY = 90;
/** Default tempo, quarter notes per minute, when a tune has no Q: (as abc2midi). */
export const ABC_DEFAULT_QPM = 120;

/** Choices in how ABC is played. */
export interface AbcPlayOptions {
  /** 'octave' (ABC 2.1, the default) or 'letter' (abc2midi: accidentals reach every octave of the bar). */
  accidentalScope?: AccidentalScope;
  /**
   * Play tunes whose R: says hornpipe swung, as abc2midi does (swing.ts). Default false: the
   * written rhythm, which is what a dataset should hold.
   */
  hornpipeSwing?: boolean;
}

/** One voice's elements across all lines, with the key and meter it starts with. */
interface VoiceStream {
  elements: AbcElement[];
  key?: AbcKey;
  meter?: AbcMeter;
}

/** Gathers each (staff, voice) stream of the tune, in order of first appearance. */
function voiceStreams(tune: AbcParsedTune): VoiceStream[] {
  const streams = new Map<string, VoiceStream>();
  /** The key in force at the end of each stream so far, to spot K: lines between music lines. */
  const lastKey = new Map<string, AbcKey>();
  for (const line of tune.lines) {
    line.staff?.forEach((staff, s) => {
      staff.voices?.forEach((voice, v) => {
        const id = `${s}.${v}`;
        let stream = streams.get(id);
        if (!stream) {
          stream = { elements: [], key: staff.key, meter: staff.meter };
          streams.set(id, stream);
        } else if (staff.key && lastKey.get(id) && !sameKey(staff.key, lastKey.get(id) as AbcKey)) {
          // A K: line between music lines: abcjs gives it as the new line's key.
          stream.elements.push({ el_type: 'key', ...staff.key });
        }
        if (staff.key) lastKey.set(id, staff.key);
        for (const e of voice) {
          if (e.el_type === 'key') lastKey.set(id, e as AbcKey);
          stream.elements.push(e);
        }
      });
    });
  }
  return [...streams.values()];
}

function sameKey(a: AbcKey, b: AbcKey): boolean {
  return a.root === b.root && a.acc === b.acc && a.mode === b.mode && shiftsEqual(a, b);
}

function shiftsEqual(a: AbcKey, b: AbcKey): boolean {
  const x = keyShifts(a.accidentals);
  const y = keyShifts(b.accidentals);
  return x.every((s, i) => s === y[i]);
}

/** Meter as numerator/denominator, or null for free meter (M:none) or unreadable values. */
function meterOf(meter: { type?: string; value?: { num: string; den?: string }[] } | undefined) {
  if (!meter) return null;
  if (meter.type === 'common_time') return { numerator: 4, denominator: 4 };
  if (meter.type === 'cut_time') return { numerator: 2, denominator: 2 };
  const v = meter.value?.[0];
  if (!v) return null;
  const numerator = v.num.split('+').reduce((sum, n) => sum + Number(n), 0);
  const denominator = Number(v.den ?? 4);
  if (!Number.isFinite(numerator) || !Number.isFinite(denominator) || numerator <= 0 || denominator <= 0)
    return null;
  return { numerator, denominator };
}

/** Quarter notes per minute from the tune's Q: field. */
export function tempoQpm(tune: AbcParsedTune): number {
  const tempo = tune.metaText.tempo;
  if (!tempo?.bpm || !(tempo.bpm > 0)) return ABC_DEFAULT_QPM;
  const beat = (tempo.duration ?? [0.25]).reduce((a, b) => a + b, 0) || 0.25;
  return tempo.bpm * beat * 4;
}

interface VoiceResult {
  notes: Note[];
  timeSignatures: TimeSignature[];
  keySignatures: KeySignature[];
  /** End of the voice, in whole notes. */
  end: number;
}

/** Plays one voice: times come out in whole notes, converted to seconds by the caller. */
function playVoice(
  stream: VoiceStream,
  instrument: number,
  partOrder: string | undefined,
  options: AbcPlayOptions,
  swing: { text: string; meterNumerator: number } | null,
): VoiceResult {
  const notes: Note[] = [];
  const timeSignatures: TimeSignature[] = [];
  const keySignatures: KeySignature[] = [];
  const accidentals = new BarAccidentals(keyShifts(stream.key?.accidentals), options.accidentalScope);
  const startKey = stream.key ? keyOf(stream.key) : null;
  if (startKey) keySignatures.push({ time: 0, ...startKey });
  const startMeter = meterOf(stream.meter);
  if (startMeter) timeSignatures.push({ time: 0, ...startMeter });

  /** Notes whose tie is still open, by written diatonic step (a tie keeps the tied note's pitch). */
  let tied = new Map<number, Note>();
  let time = 0;
  let tupletLeft = 0;
  let tupletFactor = 1;
  // The key in force at each element as written: a jump (repeat, part) takes the key of where it lands.
  const writtenKeys: number[][] = [];
  const initialKey = keyShifts(stream.key?.accidentals);
  let writtenKey = initialKey;
  for (const e of stream.elements) {
    if (e.el_type === 'key') writtenKey = keyShifts(e.accidentals);
    writtenKeys.push(writtenKey);
  }
  const swung = swing ? hornpipeDurations(stream.elements, swing.text, swing.meterNumerator) : null;
  let previous = -1;
  for (const index of playOrder(stream.elements, partOrder)) {
    const e = stream.elements[index];
    if (index !== previous + 1) accidentals.setKey(index > 0 ? writtenKeys[index - 1] : initialKey);
    previous = index;
    switch (e.el_type) {
      case 'bar':
        accidentals.newBar();
        break;
      case 'key': {
        accidentals.setKey(keyShifts(e.accidentals));
        const k = e.root !== undefined ? keyOf({ root: e.root, acc: e.acc ?? '', mode: e.mode ?? '' }) : null;
        if (k) keySignatures.push({ time, ...k });
        break;
      }
      case 'meter': {
        const m = meterOf(e as AbcMeter);
        if (m) timeSignatures.push({ time, ...m });
        break;
      }
      case 'note': {
        if (e.startTriplet) {
          tupletFactor = e.tripletMultiplier ?? 1;
          tupletLeft = e.tripletR ?? e.startTriplet;
        }
        let duration = swung?.get(e) ?? e.duration ?? 0;
        if (tupletLeft > 0) {
          duration *= tupletFactor;
          tupletLeft--;
          if (e.endTriplet) tupletLeft = 0;
        }
        if (!(duration > 0)) break;
        const nextTied = new Map<number, Note>();
        if (!e.rest && e.pitches) {
          for (const p of e.pitches) {
            const written = midiPitch(p.pitch, accidentals.shift(p.pitch, p.accidental));
            let note = tied.get(p.pitch);
            if (note && p.accidental !== undefined && note.pitch !== written) note = undefined;
            if (note && Math.abs(note.endTime - time) < 1e-9) {
              note.endTime = time + duration;
            } else {
              note = {
                pitch: written,
                velocity: ABC_VELOCITY,
                startTime: time,
                endTime: time + duration,
                program: 0,
                instrument,
                isDrum: false,
              };
              if (note.pitch >= 0 && note.pitch <= 127) notes.push(note);
            }
            if (p.startTie) nextTied.set(p.pitch, note);
          }
        }
        tied = nextTied;
        time += duration;
        break;
      }
      default:
        break;
    }
  }
  return { notes, timeSignatures, keySignatures, end: time };
}

/**
 * The NoteSequence of a parsed tune; `source` says where it came from. `text` is the tune text
 * abcjs parsed: hornpipe swing (options.hornpipeSwing) reads how each note is written in it.
 */
export function tuneToSequence(
  tune: AbcParsedTune,
  source: NoteSequence['source'],
  options: AbcPlayOptions = {},
  text?: string,
): NoteSequence {
  const qpm = tempoQpm(tune);
  const secondsPerWhole = (4 * 60) / qpm;
  const partOrder = tune.metaText.partOrder;
  const notes: Note[] = [];
  const instruments: InstrumentInfo[] = [];
  let timeSignatures: TimeSignature[] = [];
  let keySignatures: KeySignature[] = [];
  let end = 0;
  voiceStreams(tune).forEach((stream, instrument) => {
    const meter = meterOf(stream.meter);
    const swung = options.hornpipeSwing && text !== undefined && isHornpipeTune(text) && hornpipeMeter(meter);
    const swing = swung ? { text, meterNumerator: meter?.numerator ?? 4 } : null;
    const voice = playVoice(stream, instrument, partOrder, options, swing);
    if (instrument === 0) {
      timeSignatures = voice.timeSignatures;
      keySignatures = voice.keySignatures;
    }
    if (voice.notes.length === 0 && instrument > 0) return;
    instruments.push({
      instrument,
      name: instrument === 0 ? 'melody' : `voice ${instrument + 1}`,
      program: 0,
      isDrum: false,
      channel: instrument,
    });
    notes.push(...voice.notes);
    end = Math.max(end, voice.end);
  });
  const toSeconds = (t: number): number => t * secondsPerWhole;
  for (const n of notes) {
    n.startTime = toSeconds(n.startTime);
    n.endTime = toSeconds(n.endTime);
  }
  notes.sort((a, b) => a.startTime - b.startTime || a.pitch - b.pitch);
  return {
    notes,
    tempos: [{ time: 0, qpm }],
    timeSignatures: dedupe(timeSignatures.map((t) => ({ ...t, time: toSeconds(t.time) }))),
    keySignatures: dedupe(keySignatures.map((k) => ({ ...k, time: toSeconds(k.time) }))),
    instruments,
    totalTime: toSeconds(end),
    source,
  };
}

/** Drops changes that repeat the one in force (repeats replay the same K:/M: lines). */
function dedupe<T extends { time: number }>(changes: T[]): T[] {
  const out: T[] = [];
  for (const c of changes) {
    const last = out[out.length - 1];
    if (last && last.time === c.time) out[out.length - 1] = c;
    else if (!last || JSON.stringify({ ...last, time: 0 }) !== JSON.stringify({ ...c, time: 0 })) out.push(c);
  }
  return out;
}
