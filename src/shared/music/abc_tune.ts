/** One tune of an ABC tune book, kept as text beside the music it encodes. */
export interface AbcHeaderField {
  /** The field letter: X, T, M, L, Q, K, R, ... */
  field: string;
  value: string;
}

export interface AbcTune {
  /** The X: reference number. */
  number: number;
  /** The first T: title, or '' when there is none. */
  title: string;
  /** Header fields in file order, up to and including K:. */
  headers: AbcHeaderField[];
  /** The tune body: everything after the K: line, as written. */
  body: string;
  /** The whole tune as it stood in the file, from X: to the blank line. */
  text: string;
}
