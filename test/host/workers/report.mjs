// Test plumbing: a worker hands a JSON value back to the test through a SharedArrayBuffer
// passed in its args (u32 length, then UTF-8 bytes).
export function report(sab, value) {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  new Uint8Array(sab).set(bytes, 4);
  new Uint32Array(sab, 0, 1)[0] = bytes.length;
}
