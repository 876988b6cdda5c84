// The MIME worker: postal-mime runs here so a hostile or huge message never freezes
// the page. It answers each ParseRequest once and transfers every buffer back.
import { parseMessage } from './parse-message.ts';
import { MimeError, type MimeErrorCode } from '../reader/message-types.ts';
import type { ParseReply, ParseRequest } from '../reader/message-parser.ts';

function reply(message: ParseReply, transfer: ArrayBuffer[]): void {
  // A buffer listed twice throws DataCloneError, so the list is de-duplicated.
  postMessage(message, { transfer: [...new Set(transfer)] });
}

// Any script in this realm may post here, so data may be anything.
addEventListener('message', (event: MessageEvent<ParseRequest | null | undefined>) => {
  const request = event.data;
  if (request?.type !== 'parse') return;
  // postal-mime only reads `raw` and builds every part in fresh buffers, so the
  // bytes travel back untouched for "Download message (.eml)".
  parseMessage(request.raw, request.limits).then(
    (message) => {
      const buffers = message.attachments.map((part) => part.bytes);
      reply({ type: 'parsed', id: request.id, message, raw: request.raw }, [
        request.raw,
        ...buffers,
      ]);
    },
    (error: unknown) => {
      const code: MimeErrorCode = error instanceof MimeError ? error.code : 'MIME_PARSE_FAILED';
      const message = error instanceof Error ? error.message : 'The message could not be read.';
      reply({ type: 'failed', id: request.id, code, message, raw: request.raw }, [request.raw]);
    },
  );
});
