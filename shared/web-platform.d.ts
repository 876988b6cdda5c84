// The few Web platform APIs shared/ may use, declared for its narrow build
// (lib ES2023, no DOM, no Node). Anything else is a layering mistake.

declare class TextEncoder {
  encode(input?: string): Uint8Array<ArrayBuffer>;
}

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}

type WebCryptoKey = object;

interface WebSubtleCrypto {
  digest(algorithm: string, data: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer>;
  importKey(
    format: 'raw',
    keyData: Uint8Array<ArrayBuffer>,
    algorithm: string | { name: string; hash?: string },
    extractable: boolean,
    keyUsages: string[],
  ): Promise<WebCryptoKey>;
  sign(algorithm: string, key: WebCryptoKey, data: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer>;
  deriveBits(
    algorithm: { name: 'PBKDF2'; hash: string; salt: Uint8Array<ArrayBuffer>; iterations: number },
    baseKey: WebCryptoKey,
    length: number,
  ): Promise<ArrayBuffer>;
}

declare const crypto: {
  readonly subtle: WebSubtleCrypto;
  getRandomValues<T extends Uint8Array>(array: T): T;
};

declare function btoa(data: string): string;
declare function atob(data: string): string;

declare function setTimeout(callback: () => void, ms?: number): unknown;
declare function clearTimeout(handle: unknown): void;
declare function queueMicrotask(callback: () => void): void;
