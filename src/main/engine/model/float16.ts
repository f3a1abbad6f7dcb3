/**
 * float16 weights, as the TensorFlow.js Layers format stores them when a manifest entry says
 * `quantization: { dtype: 'float16' }` (what `tensorflowjs_converter --quantize_float16`
 * writes): IEEE 754 half precision, little-endian, 2 bytes per value. Decoding uses
 * TensorFlow.js's own decoder, so Continuo reads exactly what `tf.loadLayersModel` reads.
 */
import { getFloat16Decoder } from '@tensorflow/tfjs-core/dist/io/io_utils.js';

/** Weight quantizations Continuo reads and writes (the Layers manifest's `quantization`). */
export type WeightQuantization = { dtype: 'float16' };

/** Bytes per stored value: 4 for plain float32, 2 for float16. */
export function bytesPerValue(quantization: WeightQuantization | undefined): number {
  return quantization?.dtype === 'float16' ? 2 : 4;
}

const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/**
 * The half-precision bits nearest to `value` (round to nearest even; overflow to infinity,
 * tiny values to subnormals or zero, NaN kept).
 */
export function float16Bits(value: number): number {
  scratch[0] = value;
  const bits = scratchBits[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    // Subnormal (or zero): shift the mantissa with its implicit 1 into 10 bits, rounding.
    if (halfExponent < -10) return sign;
    const full = mantissa | 0x800000;
    const shift = 14 - halfExponent;
    const half = full >>> shift;
    const rest = full & ((1 << shift) - 1);
    const midway = 1 << (shift - 1);
    return sign | (half + (rest > midway || (rest === midway && half & 1) ? 1 : 0));
  }
  const half = (halfExponent << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa correctly moves to the next exponent (up to infinity).
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0));
}

/** float32 values as float16 bytes (little-endian). */
export function encodeFloat16(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setUint16(i * 2, float16Bits(values[i]), true);
  return out;
}

let decoder: ((buffer: Uint16Array) => Float32Array) | undefined;

/** float16 bytes (little-endian, any alignment) as float32 values. */
export function decodeFloat16(bytes: Uint8Array): Float32Array {
  const count = Math.floor(bytes.length / 2);
  const halves = new Uint16Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++) halves[i] = view.getUint16(i * 2, true);
  decoder ??= getFloat16Decoder();
  return decoder(halves);
}
