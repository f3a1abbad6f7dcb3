/** The studio's sections, in sidebar order. */
export type SectionId = 'compose' | 'library' | 'train' | 'generate';

/** One section of the sidebar. */
export interface Section {
  id: SectionId;
  label: string;
  /** Keyboard shortcut digit (Alt+digit). */
  key: string;
}

/** The sidebar sections: compose, import music, train a model on it, generate continuations. */
export const SECTIONS: readonly Section[] = [
  {
    id: 'compose',
    label: 'Compose',
    key: '1',
  },
  {
    id: 'library',
    label: 'Library',
    key: '2',
  },
  {
    id: 'train',
    label: 'Train',
    key: '3',
  },
  {
    id: 'generate',
    label: 'Generate',
    key: '4',
  },
];
