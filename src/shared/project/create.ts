/**
 * New projects, tracks and ids. Ids come from `globalThis.crypto.randomUUID` (Node 19+ and every
 * browser), so this module needs neither Node nor the DOM.
 */
import {
  PPQ,
  PROJECT_SCHEMA_VERSION,
  type GenerationId,
  type NoteId,
  type Project,
  type ProjectGenerationSettings,
  type ProjectId,
  type Track,
  type TrackId,
  type TrackKind,
} from './types.ts';

export function newNoteId(): NoteId {
  return globalThis.crypto.randomUUID() as NoteId;
}

export function newTrackId(): TrackId {
  return globalThis.crypto.randomUUID() as TrackId;
}

export function newGenerationId(): GenerationId {
  return globalThis.crypto.randomUUID() as GenerationId;
}

export function newProjectId(): ProjectId {
  return globalThis.crypto.randomUUID() as ProjectId;
}

/**
 * Colours per track kind, told apart at a glance: seeds grey-blue, takes warm, the musician's
 * own notes blue/green, imported parts violet. A kind's n-th track takes the n-th colour.
 */
export const TRACK_PALETTES: Readonly<Record<TrackKind, readonly string[]>> = {
  seed: ['#8a9bb4', '#7d8fa8', '#a0aec2', '#6f8199'],
  take: ['#f5a524', '#f0743e', '#e8c547', '#e0566f', '#f08fbf', '#d9822b'],
  user: ['#4f8cff', '#38c0a8', '#5fd068', '#3aa0e0', '#7f9cff', '#2fb58a'],
  imported: ['#a779f0', '#c46ee0', '#8f6bff', '#b892ff', '#d57ad6', '#9a5fd0'],
};

/** The colour of a kind's `index`-th track (wrapping round its palette). */
export function trackColour(kind: TrackKind, index = 0): string {
  const palette = TRACK_PALETTES[kind];
  return palette[((index % palette.length) + palette.length) % palette.length];
}

const KIND_NAMES: Readonly<Record<TrackKind, string>> = {
  seed: 'Seed',
  take: 'Take',
  user: 'Piano',
  imported: 'Imported',
};

/** An empty track of a kind: piano (program 0), not muted, its kind's `index`-th colour. */
export function newTrack(kind: TrackKind, name?: string, index = 0): Track {
  return {
    id: newTrackId(),
    name: name ?? (index > 0 ? `${KIND_NAMES[kind]} ${index + 1}` : KIND_NAMES[kind]),
    colour: trackColour(kind, index),
    kind,
    program: 0,
    mute: false,
    solo: false,
    notes: [],
    controllers: [],
  };
}

/** What the Generate panel starts with in a new project. */
export function defaultGenerationSettings(): ProjectGenerationSettings {
  return { temperature: 1, topK: 0, topP: 1, length: '8bars', variations: 2, seedBars: 8 };
}

/** An empty project: one user track, 120 qpm, 4/4, no key. */
export function newProject(name = 'Untitled'): Project {
  const now = new Date().toISOString();
  return {
    schemaVersion: PROJECT_SCHEMA_VERSION,
    id: newProjectId(),
    name,
    createdAt: now,
    modifiedAt: now,
    ppq: PPQ,
    tempos: [{ tick: 0, qpm: 120 }],
    timeSignatures: [{ tick: 0, numerator: 4, denominator: 4 }],
    tracks: [newTrack('user')],
    generation: defaultGenerationSettings(),
    history: [],
  };
}
