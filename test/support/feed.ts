// Feeds bytes to a parser three ways: whole, split at every point, and one
// byte at a time (STYLE.md: a parser is only tested when every split is).

export type Feed = (push: (chunk: Uint8Array) => void, bytes: Uint8Array) => void;

export const FEEDS: ReadonlyArray<[string, (bytes: Uint8Array) => Uint8Array[][]]> = [
  ['whole', (bytes) => [[bytes]]],
  [
    'every split point',
    (bytes) => {
      const runs: Uint8Array[][] = [];
      for (let at = 1; at < bytes.length; at++) {
        runs.push([bytes.slice(0, at), bytes.slice(at)]);
      }
      return runs.length > 0 ? runs : [[bytes]];
    },
  ],
  ['one byte at a time', (bytes) => [Array.from(bytes, (byte) => Uint8Array.of(byte))]],
];

/** Split bytes into chunks at the given cut points (sorted, deduplicated). */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts)].filter((cut) => cut > 0 && cut < bytes.length);
  points.sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const cut of points) {
    chunks.push(bytes.slice(start, cut));
    start = cut;
  }
  chunks.push(bytes.slice(start));
  return chunks;
}

export const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
export const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
