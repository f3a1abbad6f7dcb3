/// <reference types="svelte" />
/// <reference types="vite/client" />
import type { RawBridge } from '../../shared/ipc/api.ts';

declare global {
  interface Window {
    /** The Electron preload bridge; absent when the studio runs in a browser. */
    readonly continuo?: RawBridge;
  }
}

export {};
