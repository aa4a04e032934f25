// The checkpoint format as its documentation states it (src/checkpoint.ts's header comment),
// written again for the tests: read a checkpoint into its parts, and write parts back with a
// valid checksum, as an attacker who read the docs would ("re-checksummed" checkpoints).

export interface Parts {
  format: number;
  desc: any;
  /** the vectors' float32 data, in the descriptor's order */
  vectors: Float32Array;
}

/** Two 32-bit FNV-1a lanes over little-endian 32-bit words; the second lane sees each word half-swapped. */
export function checksum(bytes: Uint8Array): [number, number] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let a = 0x811c9dc5, b = 0x050c5d1f;
  for (let i = 0; i + 4 <= bytes.length; i += 4) {
    const w = dv.getUint32(i, true);
    a = Math.imul(a ^ w, 0x01000193);
    b = Math.imul(b ^ ((w >>> 16) | (w << 16)), 0x01000193);
  }
  return [a >>> 0, b >>> 0];
}

export function readCheckpoint(bytes: Uint8Array): Parts {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const D = dv.getUint32(8, true), V = dv.getFloat64(16, true);
  const desc = JSON.parse(new TextDecoder().decode(bytes.subarray(24, 24 + D)));
  const vectors = new Float32Array(bytes.slice(24 + D, 24 + D + V).buffer);
  return { format: dv.getUint32(4, true), desc, vectors };
}

/** Bytes for these parts with a correct checksum (and the format number given). */
export function writeCheckpoint(p: Parts, jsonText?: string): Uint8Array {
  const json = new TextEncoder().encode(jsonText ?? JSON.stringify(p.desc));
  const D = (json.length + 3) & ~3, V = p.vectors.byteLength;
  const out = new Uint8Array(24 + D + V + 8);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 0x5a535053, true); dv.setUint32(4, p.format, true); dv.setUint32(8, D, true); dv.setFloat64(16, V, true);
  out.fill(0x20, 24, 24 + D);
  out.set(json, 24);
  out.set(new Uint8Array(p.vectors.buffer, p.vectors.byteOffset, V), 24 + D);
  const [a, b] = checksum(out.subarray(0, 24 + D + V));
  dv.setUint32(24 + D + V, a, true); dv.setUint32(24 + D + V + 4, b, true);
  return out;
}

/** A re-checksummed copy of `bytes` after `edit` changed its parts. */
export function recraft(bytes: Uint8Array, edit: (p: Parts) => void): Uint8Array {
  const p = readCheckpoint(bytes);
  edit(p);
  return writeCheckpoint(p);
}
