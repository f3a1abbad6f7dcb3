/**
 * Adam on plain float32 arrays with the maths of TensorFlow.js's `tf.train.adam(lr)`
 * (tfjs 4.x AdamOptimizer: beta1 0.9, beta2 0.999, epsilon = the float32 backend's 1e-7,
 * bias correction by 1 - accBeta, accBeta starting at beta and multiplied by it after each
 * update, all kept as float32), so checkpoints written with tfjs's optimizer resume here
 * unchanged. One pass per weight instead of ~10 tfjs kernels over each (measured: 19 ms of a
 * ~200 ms training step went to tfjs's Adam, gradient norm and tensor round trips; JS loops
 * then took ~15 ms, the SIMD kernel of wasm_adam.ts ~2).
 */
import type { WasmMemory } from './wasm_asm.ts';
import { wasmApi } from './wasm_asm.ts';
import { createAdam, type AdamFn } from './wasm_adam.ts';

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-7;
const f32 = Math.fround;

/** First and second moments of one weight. */
export interface AdamSlot {
  weight: string;
  m: Float32Array;
  v: Float32Array;
}

/** The optimiser's whole state (the checkpoint format of `OptimizerState` in token_model.ts). */
export interface AdamState {
  iterations: number;
  accBeta1: number;
  accBeta2: number;
  slots: AdamSlot[];
}

/** Where one weight's arrays sit in the kernel's memory (byte addresses), `padded` floats each. */
interface SlotPlace {
  w: number;
  g: number;
  m: number;
  v: number;
  padded: number;
}

/** The SIMD kernel, its memory and where each weight's arrays are in it. */
interface Store {
  memory: WasmMemory;
  kernel: AdamFn;
  params: number;
  places: Map<string, SlotPlace>;
}

/** Adam over named float32 weights, updated in place (wasm SIMD when available, else the same maths in JS). */
export class FlatAdam {
  private iterations = 0;
  private accBeta1 = f32(BETA1);
  private accBeta2 = f32(BETA2);
  /** In creation order (first update of each weight), as tfjs kept them; m and v are views into the store when there is one. */
  private slots = new Map<string, AdamSlot>();
  private store: Store | null = null;
  private simd = true;

  /** A copy of the state. */
  exportState(): AdamState {
    return {
      iterations: this.iterations,
      accBeta1: this.accBeta1,
      accBeta2: this.accBeta2,
      slots: [...this.slots.values()].map((s) => ({ weight: s.weight, m: s.m.slice(), v: s.v.slice() })),
    };
  }

  /** An optimiser continuing from `state` (its arrays are copied). */
  static fromState(state: AdamState): FlatAdam {
    const adam = new FlatAdam();
    adam.iterations = state.iterations;
    adam.accBeta1 = f32(state.accBeta1);
    adam.accBeta2 = f32(state.accBeta2);
    for (const s of state.slots)
      adam.slots.set(s.weight, { weight: s.weight, m: s.m.slice(), v: s.v.slice() });
    return adam;
  }

  /**
   * One update of every weight in `grads` (by name, in that order): w += -lr * mHat / (sqrt(vHat) + eps)
   * with the gradient times `scale` (clipping).
   */
  update(
    weights: Readonly<Record<string, Float32Array>>,
    grads: Readonly<Record<string, Float32Array>>,
    learningRate: number,
    scale = 1,
  ): void {
    const params = [
      f32(BETA1),
      f32(1 - BETA1),
      f32(BETA2),
      f32(1 - BETA2),
      f32(1 - this.accBeta1),
      f32(1 - this.accBeta2),
      f32(EPSILON),
      f32(-learningRate),
      f32(scale),
    ];
    for (const [name, g] of Object.entries(grads)) {
      const w = weights[name];
      if (!w || w.length !== g.length) throw new Error(`Adam: no weight of the gradient's size for ${name}`);
      if (!this.slots.has(name))
        this.slots.set(name, { weight: name, m: new Float32Array(w.length), v: new Float32Array(w.length) });
    }
    const store = this.storeFor();
    for (const [name, g] of Object.entries(grads)) {
      const w = weights[name];
      const place = store?.places.get(name);
      if (store && place) {
        const heap = new Float32Array(store.memory.buffer);
        heap.set(w, place.w / 4);
        heap.set(g, place.g / 4);
        heap.set(params, store.params / 4);
        store.kernel(place.w, place.g, place.m, place.v, place.padded / 4, store.params);
        w.set(heap.subarray(place.w / 4, place.w / 4 + w.length));
      } else {
        const slot = this.slots.get(name) as AdamSlot;
        updateJs(w, g, slot.m, slot.v, params);
      }
    }
    this.accBeta1 = f32(this.accBeta1 * params[0]);
    this.accBeta2 = f32(this.accBeta2 * params[2]);
    this.iterations++;
  }

  /**
   * The SIMD store holding every slot (rebuilt, moments copied, when a slot is new to it);
   * null without WebAssembly SIMD.
   */
  private storeFor(): Store | null {
    if (!this.simd) return null;
    if (this.store && [...this.slots.keys()].every((name) => this.store?.places.has(name))) return this.store;
    try {
      const places = new Map<string, SlotPlace>();
      let bytes = 64; // the parameters first
      for (const [name, slot] of this.slots) {
        const padded = Math.ceil(slot.m.length / 4) * 4;
        const size = padded * 4;
        places.set(name, { w: bytes, g: bytes + size, m: bytes + 2 * size, v: bytes + 3 * size, padded });
        bytes += 4 * size;
      }
      const memory = new wasmApi.Memory({ initial: Math.ceil(bytes / 65536) });
      const store: Store = { memory, kernel: createAdam(memory), params: 0, places };
      // Zeroed padding keeps the padded lanes at zero; the moments move into the store.
      for (const [name, slot] of this.slots) {
        const place = places.get(name) as SlotPlace;
        const m = new Float32Array(memory.buffer, place.m, slot.m.length);
        const v = new Float32Array(memory.buffer, place.v, slot.v.length);
        m.set(slot.m);
        v.set(slot.v);
        slot.m = m;
        slot.v = v;
      }
      this.store = store;
      return store;
    } catch {
      this.simd = false;
      this.store = null;
      for (const slot of this.slots.values()) {
        slot.m = slot.m.slice();
        slot.v = slot.v.slice();
      }
      return null;
    }
  }
}

/** The same update in JS, float32 operation by operation (no WebAssembly SIMD). */
function updateJs(
  w: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  params: number[],
): void {
  const [keep1, take1, keep2, take2, oneMinusAcc1, oneMinusAcc2, eps, rate, scale] = params;
  for (let i = 0; i < w.length; i++) {
    const gi = f32(g[i] * scale);
    const mi = f32(f32(m[i] * keep1) + f32(gi * take1));
    const vi = f32(f32(v[i] * keep2) + f32(f32(gi * gi) * take2));
    m[i] = mi;
    v[i] = vi;
    const mHat = f32(mi / oneMinusAcc1);
    const vHat = f32(vi / oneMinusAcc2);
    w[i] = f32(f32(f32(mHat / f32(f32(Math.sqrt(vHat)) + eps)) * rate) + w[i]);
  }
}
