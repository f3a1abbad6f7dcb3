/** The studio's sections, in sidebar order. */
export type SectionId = 'library' | 'train' | 'generate';

/** One section of the sidebar. */
export interface Section {
  id: SectionId;
  label: string;
  /** Keyboard shortcut digit (Alt+digit). */
  key: string;
}

/** The sidebar sections: import music, train a model on it, generate continuations. */
export const SECTIONS: readonly Section[] = [
  {
    id: 'library',
    label: 'Library',
    key: '1',
  },
  {
    id: 'train',
    label: 'Train',
    key: '2',
  },
  {
    id: 'generate',
    label: 'Generate',
    key: '3',
  },
];
