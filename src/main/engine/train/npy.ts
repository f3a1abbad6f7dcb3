/**
 * NumPy's .npy format (version 1.0) for one-dimensional int32 arrays: the 6-byte magic, the
 * version, a little-endian header length and a Python-dict header padded with spaces so the
 * data starts on a 64-byte boundary, then the values (little-endian). `numpy.load` reads it.
 */
export function npyInt32(values: ArrayLike<number>): Uint8Array {
  const dict = `{'descr': '<i4', 'fortran_order': False, 'shape': (${values.length},), }`;
  const preamble = 10;
  const headerLength = Math.ceil((preamble + dict.length + 1) / 64) * 64 - preamble;
  const header = dict.padEnd(headerLength - 1, ' ') + '\n';
  const out = new Uint8Array(preamble + headerLength + values.length * 4);
  out.set([0x93, ...Array.from('NUMPY', (c) => c.charCodeAt(0)), 1, 0], 0);
  const view = new DataView(out.buffer);
  view.setUint16(8, headerLength, true);
  for (let i = 0; i < header.length; i++) out[preamble + i] = header.charCodeAt(i);
  const start = preamble + headerLength;
  for (let i = 0; i < values.length; i++) view.setInt32(start + 4 * i, values[i], true);
  return out;
}
