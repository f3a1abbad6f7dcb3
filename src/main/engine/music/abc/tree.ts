/**
 * The parts of abcjs's parse tree (`parseOnly`) that the importer reads, typed narrowly.
 * Durations are fractions of a whole note; `pitch` counts diatonic steps from middle C (0 = C4).
 */

export type AbcAccidental =
  'sharp' | 'flat' | 'natural' | 'dblsharp' | 'dblflat' | 'quartersharp' | 'quarterflat';

export interface AbcPitch {
  pitch: number;
  name?: string;
  accidental?: AbcAccidental;
  startTie?: object;
  endTie?: boolean;
}

export interface AbcKeyAccidental {
  acc: AbcAccidental;
  /** Letter, lower case: 'f'. */
  note: string;
}

export interface AbcKey {
  root: string;
  acc: string;
  mode: string;
  accidentals?: AbcKeyAccidental[];
}

export interface AbcMeter {
  type: string;
  value?: { num: string; den?: string }[];
}

export interface AbcElement {
  el_type: string;
  // note
  pitches?: AbcPitch[];
  rest?: { type: string };
  duration?: number;
  gracenotes?: AbcPitch[];
  decoration?: string[];
  startTriplet?: number;
  tripletMultiplier?: number;
  tripletR?: number;
  endTriplet?: boolean;
  /** Where the element is written in the text abcjs parsed (decorations before, ties and `>` after). */
  startChar?: number;
  endChar?: number;
  // bar
  type?: string;
  startEnding?: string;
  endEnding?: boolean;
  // part
  title?: string;
  // key (inline)
  root?: string;
  acc?: string;
  mode?: string;
  accidentals?: AbcKeyAccidental[];
  // meter (inline)
  value?: { num: string; den?: string }[];
}

export interface AbcStaff {
  key?: AbcKey;
  meter?: AbcMeter;
  voices?: AbcElement[][];
}

export interface AbcLine {
  staff?: AbcStaff[];
}

export interface AbcTempo {
  duration?: number[];
  bpm?: number;
}

export interface AbcParsedTune {
  lines: AbcLine[];
  metaText: { title?: string; tempo?: AbcTempo; partOrder?: string };
  warnings?: string[];
}
