import { it } from 'vitest';
import { checkBase64RoundTrips } from '../helpers/base64-cases';

it('encodes and decodes base64 as btoa does, on the portable path (the CLI under Node)', () => {
  checkBase64RoundTrips();
});
