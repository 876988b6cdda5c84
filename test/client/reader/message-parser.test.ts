// The worker client: transfer, typed errors, time limit with restart, one request at
// a time. A fake worker stands in for the real one (tested in test/e2e/reader).
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ParsedMessage } from '../../../client/reader/message-types.ts';
import {
  createMessageParser,
  type ParseReply,
  type ParseRequest,
  type WorkerLike,
} from '../../../client/reader/message-parser.ts';

const MESSAGE: ParsedMessage = {
  subject: 's',
  from: null,
  to: [],
  cc: [],
  replyTo: [],
  date: null,
  text: 't',
  html: null,
  attachments: [],
};

class FakeWorker implements WorkerLike {
  static created: FakeWorker[] = [];
  onmessage: ((event: MessageEvent<ParseReply>) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  onmessageerror: ((event: MessageEvent) => void) | null = null;
  requests: { request: ParseRequest; transfer: Transferable[] }[] = [];
  terminated = false;
  constructor() {
    FakeWorker.created.push(this);
  }
  postMessage(request: ParseRequest, transfer: Transferable[]): void {
    this.requests.push({ request, transfer });
  }
  terminate(): void {
    this.terminated = true;
  }
  reply(reply: ParseReply): void {
    this.onmessage?.({ data: reply } as MessageEvent<ParseReply>);
  }
  last(): ParseRequest {
    const entry = this.requests.at(-1);
    if (!entry) throw new Error('no request');
    return entry.request;
  }
}

const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  FakeWorker.created = [];
  vi.useRealTimers();
});

describe('createMessageParser', () => {
  it('transfers the raw buffer, sends explicit limits and hands the bytes back', async () => {
    const parser = createMessageParser({ createWorker: () => new FakeWorker() });
    const raw = new Uint8Array([1, 2, 3]);
    const pending = parser.parse(raw);
    await flush();
    const worker = FakeWorker.created[0] as FakeWorker;
    const { request, transfer } = worker.requests[0] ?? { request: null, transfer: [] };
    expect(transfer).toEqual([request?.raw]);
    expect(request?.limits).toMatchObject({
      maxNestingDepth: 100,
      maxHeadersSize: 1048576,
      maxRfc822NestingDepth: 5,
    });
    worker.reply({
      type: 'parsed',
      id: worker.last().id,
      message: MESSAGE,
      raw: worker.last().raw,
    });
    const result = await pending;
    expect(result.message).toBe(MESSAGE);
    expect(Array.from(result.raw)).toEqual([1, 2, 3]);
  });

  it('copies instead of detaching a buffer the view shares with others', async () => {
    const parser = createMessageParser({ createWorker: () => new FakeWorker() });
    const shared = new Uint8Array([9, 8, 7, 6]);
    void parser.parse(shared.subarray(1, 3));
    await flush();
    const request = (FakeWorker.created[0] as FakeWorker).last();
    expect(Array.from(new Uint8Array(request.raw))).toEqual([8, 7]);
    expect(request.raw).not.toBe(shared.buffer);
  });

  it('refuses a message over the cap before any transfer', async () => {
    const parser = createMessageParser({
      createWorker: () => new FakeWorker(),
      limits: { maxRawBytes: 2 },
    });
    const raw = new Uint8Array([1, 2, 3]);
    await expect(parser.parse(raw)).rejects.toMatchObject({ code: 'MIME_TOO_LARGE' });
    expect(raw.byteLength).toBe(3);
    expect(FakeWorker.created).toHaveLength(0);
  });

  it('passes a typed failure from the worker through', async () => {
    const parser = createMessageParser({ createWorker: () => new FakeWorker() });
    const pending = parser.parse(new Uint8Array([1]));
    await flush();
    const worker = FakeWorker.created[0] as FakeWorker;
    worker.reply({
      type: 'failed',
      id: worker.last().id,
      code: 'MIME_PARSE_FAILED',
      message: 'bad',
      raw: worker.last().raw,
    });
    await expect(pending).rejects.toMatchObject({
      name: 'MimeError',
      code: 'MIME_PARSE_FAILED',
      message: 'bad',
    });
    expect(worker.terminated).toBe(false);
  });

  it('terminates the worker on timeout and starts a fresh one for the next message', async () => {
    vi.useFakeTimers();
    const parser = createMessageParser({
      createWorker: () => new FakeWorker(),
      limits: { timeoutMs: 50 },
    });
    const slow = parser.parse(new Uint8Array([1]));
    const rejected = expect(slow).rejects.toMatchObject({ code: 'MIME_TIMEOUT' });
    await vi.advanceTimersByTimeAsync(60);
    await rejected;
    const first = FakeWorker.created[0] as FakeWorker;
    expect(first.terminated).toBe(true);

    const next = parser.parse(new Uint8Array([2]));
    await vi.advanceTimersByTimeAsync(0);
    const second = FakeWorker.created[1] as FakeWorker;
    expect(second).toBeDefined();
    second.reply({
      type: 'parsed',
      id: second.last().id,
      message: MESSAGE,
      raw: second.last().raw,
    });
    await expect(next).resolves.toMatchObject({ message: MESSAGE });
  });

  it('treats a worker error as a parse failure and restarts', async () => {
    const parser = createMessageParser({ createWorker: () => new FakeWorker() });
    const pending = parser.parse(new Uint8Array([1]));
    await flush();
    const worker = FakeWorker.created[0] as FakeWorker;
    worker.onerror?.(new Event('error'));
    await expect(pending).rejects.toMatchObject({ code: 'MIME_PARSE_FAILED' });
    expect(worker.terminated).toBe(true);
  });

  it('runs one request at a time, so a timeout cannot take another message down', async () => {
    const parser = createMessageParser({ createWorker: () => new FakeWorker() });
    const a = parser.parse(new Uint8Array([1]));
    const b = parser.parse(new Uint8Array([2]));
    await flush();
    const worker = FakeWorker.created[0] as FakeWorker;
    expect(worker.requests).toHaveLength(1);
    worker.reply({
      type: 'parsed',
      id: worker.last().id,
      message: MESSAGE,
      raw: worker.last().raw,
    });
    await a;
    await flush();
    expect(worker.requests).toHaveLength(2);
    worker.reply({
      type: 'parsed',
      id: worker.last().id,
      message: MESSAGE,
      raw: worker.last().raw,
    });
    await expect(b).resolves.toBeDefined();
  });

  it('rejects invalid limits with a TypeError', async () => {
    const parser = createMessageParser({ createWorker: () => new FakeWorker() });
    await expect(
      parser.parse(new Uint8Array([1]), { maxNestingDepth: Number.NaN }),
    ).rejects.toBeInstanceOf(TypeError);
  });
});

describe('createMessageParser without a worker', () => {
  it('answers MIME_PARSE_FAILED when the worker cannot start', async () => {
    const parser = createMessageParser({
      createWorker: () => {
        throw new Error('blocked by CSP');
      },
    });
    await expect(parser.parse(new Uint8Array([1]))).rejects.toMatchObject({
      code: 'MIME_PARSE_FAILED',
    });
  });
});
