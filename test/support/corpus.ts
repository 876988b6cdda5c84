// Reads the real-world MIME corpus copied into test/fixtures/corpus (SOURCES.md there says
// where each file comes from). File access only: what the files mean lives in test/client/corpus.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Absolute path of test/fixtures/corpus, with a trailing slash. Built from the string form
 * of import.meta.url: under happy-dom the global URL is not Node's, and fileURLToPath
 * refuses it.
 */
export const CORPUS_DIR = `${join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'corpus')}/`;

/** The folders that hold messages, each with the file extension its messages use. */
export const CORPUS_FOLDERS: readonly { folder: string; extension: '.eml' | '.msg' }[] = [
  { folder: 'stalwart-mail-parser/rfc', extension: '.eml' },
  { folder: 'stalwart-mail-parser/thirdparty', extension: '.eml' },
  { folder: 'stalwart-mail-parser/malformed', extension: '.eml' },
  { folder: 'mime4j/testmsgs', extension: '.msg' },
  { folder: 'mime4j/mimetools-testmsgs', extension: '.msg' },
];

/** Every message file of the corpus, as paths relative to CORPUS_DIR, sorted per folder. */
export function listCorpusMessages(): string[] {
  return CORPUS_FOLDERS.flatMap(({ folder, extension }) =>
    readdirSync(`${CORPUS_DIR}${folder}`)
      .filter((name) => name.endsWith(extension))
      .sort()
      .map((name) => `${folder}/${name}`),
  );
}

/** The bytes of a corpus file, exactly as stored (no line-ending or charset conversion). */
export function readCorpusBytes(relativePath: string): Uint8Array {
  return new Uint8Array(readFileSync(`${CORPUS_DIR}${relativePath}`));
}
