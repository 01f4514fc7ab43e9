// Payload bytes the tester sends: recognisable in a capture.

/** A payload whose bytes show where they came from in a capture. */
export function pattern(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => i & 0xff);
}
