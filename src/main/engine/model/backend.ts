import * as tf from '@tensorflow/tfjs';

/** The TensorFlow.js backends the engine can run on, fastest first. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** What `initBackend` chose, with a human-readable note when it is a slow fallback. */
export interface BackendInfo {
  name: BackendName;
  /** Set when the active backend is much slower than the preferred one (cpu). */
  warning?: string;
  /** Why faster backends were skipped, one line each. */
  skipped: string[];
}

const ORDER: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];
let active: Promise<BackendInfo> | undefined;
let activePreference: BackendName | undefined;

/** Loads a backend's package; throws (MODULE_NOT_FOUND) when it is not installed, e.g. tfjs-node without libtensorflow. */
async function loadBackend(name: BackendName): Promise<void> {
  if (name === 'tensorflow') {
    // A variable specifier keeps TypeScript and bundlers from resolving the optional package.
    const specifier = '@tensorflow/tfjs-node';
    await import(specifier);
  } else if (name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
  }
}

async function tryBackend(name: BackendName): Promise<void> {
  await loadBackend(name);
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') returned false`);
  await tf.ready();
}

/**
 * Selects the fastest available TensorFlow.js backend: tfjs-node ('tensorflow'), else
 * WebAssembly, else plain JS ('cpu', with a warning). `preferred` starts the search at that
 * backend (e.g. 'wasm' to skip tfjs-node). Idempotent: later calls with the same preference
 * return the same result.
 */
export async function initBackend(preferred?: BackendName): Promise<BackendInfo> {
  if (active && preferred === activePreference) return active;
  activePreference = preferred;
  active = (async () => {
    const start = preferred ? ORDER.indexOf(preferred) : 0;
    const skipped: string[] = [];
    for (const name of ORDER.slice(start)) {
      try {
        await tryBackend(name);
        const info: BackendInfo = { name, skipped };
        if (name === 'cpu') {
          info.warning =
            'TensorFlow.js is running on the plain-JS cpu backend: training is about 5x slower than wasm ' +
            'and 30x slower than tfjs-node.';
        }
        return info;
      } catch (error) {
        const code = (error as { code?: string }).code;
        skipped.push(
          `${name}: ${code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' ? 'not installed' : String(error)}`,
        );
      }
    }
    throw new Error(`No TensorFlow.js backend could start (${skipped.join('; ')})`);
  })();
  return active;
}

/** The backend `initBackend` chose (or is choosing), without starting a new search; undefined before it ran. */
export function chosenBackend(): Promise<BackendInfo> | undefined {
  return active;
}
