import type { CodecSpec, FileSummary } from './types.ts';

/** Main thread -> import worker: import and encode one file's bytes. */
export interface ImportRequest {
  id: number;
  file: string;
  bytes: Uint8Array;
  codec: CodecSpec;
}

/** Import worker -> main thread: the file's summary, or why the worker could not make one. */
export type ImportResponse =
  { id: number; ok: true; summary: FileSummary } | { id: number; ok: false; reason: string };
