/** The studio's sections, in sidebar order. */
export type SectionId = 'library' | 'train' | 'generate';

/** What the sidebar and the empty main area say about one section. */
export interface Section {
  id: SectionId;
  label: string;
  /** Keyboard shortcut digit (Alt+digit). */
  key: string;
  /** What the section will hold, shown while it is empty. */
  emptyTitle: string;
  emptyText: string;
  /** The section's first action, shown disabled until it exists. */
  action: string;
}

/** The sidebar sections: import music, train a model on it, generate continuations. */
export const SECTIONS: readonly Section[] = [
  {
    id: 'library',
    label: 'Library',
    key: '1',
    emptyTitle: 'No music yet',
    emptyText:
      'Your MIDI files (e.g. MAESTRO) and ABC tune books (Nottingham, O’Neill’s) will be listed here once imported.',
    action: 'Import music…',
  },
  {
    id: 'train',
    label: 'Train',
    key: '2',
    emptyTitle: 'Nothing to train on yet',
    emptyText: 'Once your library has music, train an LSTM on it here and follow its loss as it learns.',
    action: 'Start training',
  },
  {
    id: 'generate',
    label: 'Generate',
    key: '3',
    emptyTitle: 'No trained model yet',
    emptyText:
      'With a trained model, give it a phrase and it continues it; listen, keep or export the result.',
    action: 'Generate continuation',
  },
];
