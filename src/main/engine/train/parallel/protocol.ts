import type { BackendName } from '../../model/backend.ts';
import type { DropoutDraw, TokenModelConfig } from '../../model/token_model.ts';

/**
 * Messages between the data-parallel coordinator (data_parallel.ts) and its gradient worker
 * (grad_worker.ts). The big arrays never travel in messages: weights and gradients live in
 * two SharedArrayBuffers both threads map, flat in `weightNamesFor` order.
 */

/** Coordinator -> worker. */
export type ToGradWorker =
  | {
      type: 'init';
      config: TokenModelConfig;
      backend: BackendName;
      /** Float32 weights, written by the coordinator after each Adam step. */
      weights: SharedArrayBuffer;
      /** Float32 gradients of the worker's part of the batch, written by the worker. */
      grads: SharedArrayBuffer;
    }
  | {
      type: 'step';
      /** [rows, T] batch-major token ids of the worker's part of the batch. */
      inputs: Int32Array;
      targets: Int32Array;
      rows: number;
      draw: DropoutDraw;
      /** The weights changed since the worker's last step: read them first. */
      reloadWeights: boolean;
    };

/** Worker -> coordinator. */
export type FromGradWorker =
  | { type: 'ready'; backend: string }
  | { type: 'done'; loss: number; rows: number; ms: number }
  | { type: 'error'; message: string };
