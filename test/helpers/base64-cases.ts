/**
 * Checks of shared/encoding/base64.ts against the platform's own btoa, for whichever path the
 * runtime takes: workerd's native Uint8Array base64 (test/encoding-base64.test.ts) or the
 * portable one Node 20 falls back to (test/node/encoding-base64.test.ts).
 */
import { expect } from 'vitest';
import { base64ToBytes, bytesToBase64 } from '../../shared/encoding/base64';

function referenceBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function checkBase64RoundTrips(): void {
  // Empty, each padding length, and past the portable path's 32 KiB chunk.
  for (const size of [0, 1, 2, 3, 1500, 0x8000 + 7, 200_000]) {
    const bytes = new Uint8Array(size);
    for (let offset = 0; offset < size; offset += 65_536) crypto.getRandomValues(bytes.subarray(offset, Math.min(size, offset + 65_536)));
    const text = bytesToBase64(bytes);
    expect(text).toBe(referenceBase64(bytes));
    expect(base64ToBytes(text)).toEqual(bytes);
  }
  expect(() => base64ToBytes('not base64!')).toThrow();
}
