import { expect, it } from 'vitest';
import { checkBase64RoundTrips } from './helpers/base64-cases';

it("encodes and decodes base64 as btoa does, on workerd's native path", () => {
  expect(typeof (Uint8Array.prototype as { toBase64?: unknown }).toBase64).toBe('function');
  checkBase64RoundTrips();
});
