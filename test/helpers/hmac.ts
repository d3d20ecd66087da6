/** Web Crypto HMAC for building sender signatures in workerd tests, by each vendor's documented method. */
export async function hmac(algorithm: 'SHA-1' | 'SHA-256', key: string, data: string): Promise<Uint8Array> {
  const imported = await crypto.subtle.importKey('raw', new TextEncoder().encode(key), { name: 'HMAC', hash: algorithm }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', imported, new TextEncoder().encode(data)));
}

export const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
export const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
