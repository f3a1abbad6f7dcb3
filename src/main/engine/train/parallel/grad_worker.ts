/**
 * Worker-thread entry of data-parallel training: holds a replica of the model (its own
 * TensorFlow.js backend), and for each step reads the shared weights when they changed,
 * computes the loss and gradients of its part of the batch and writes them to the shared
 * gradient buffer. The coordinator sums and applies them (data_parallel.ts).
 */
import { parentPort } from 'node:worker_threads';
import { initBackend } from '../../model/backend.ts';
import { TokenModel } from '../../model/token_model.ts';
import { flatLayout, flatViews, type FlatLayout } from './flat_weights.ts';
import type { FromGradWorker, ToGradWorker } from './protocol.ts';

const port = parentPort;
if (!port) throw new Error('grad_worker must run in a worker thread');

let model: TokenModel | null = null;
let layout: FlatLayout | null = null;
let weights: Record<string, Float32Array> = {};
let grads: Record<string, Float32Array> = {};

function reply(message: FromGradWorker): void {
  port?.postMessage(message);
}

async function init(message: Extract<ToGradWorker, { type: 'init' }>): Promise<void> {
  const backend = await initBackend(message.backend);
  layout = flatLayout(message.config);
  weights = flatViews(layout, new Float32Array(message.weights));
  grads = flatViews(layout, new Float32Array(message.grads));
  // Copies: the replica's variables are its own; `reloadWeights` refreshes them.
  const values = Object.fromEntries(Object.entries(weights).map(([name, w]) => [name, new Float32Array(w)]));
  model = TokenModel.fromWeights(message.config, values);
  reply({ type: 'ready', backend: backend.name });
}

function step(message: Extract<ToGradWorker, { type: 'step' }>): void {
  if (!model || !layout) throw new Error('grad_worker: step before init');
  const started = performance.now();
  if (message.reloadWeights) model.loadWeights(weights);
  const result = model.lossAndGradientData(message.inputs, message.targets, message.rows, message.draw);
  for (const name of layout.names) grads[name].set(result.grads[name]);
  reply({ type: 'done', loss: result.loss, rows: message.rows, ms: performance.now() - started });
}

port.on('message', (message: ToGradWorker) => {
  const work = message.type === 'init' ? init(message) : Promise.resolve().then(() => step(message));
  work.catch((error: unknown) =>
    reply({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});
