// A plain pipelined POP3 client for bench:list to hold `pop3 list` against: one
// TLS socket, AUTH PLAIN, UIDL and LIST, then TOP n 0 of every message in one
// write, subject and sender decoded, one JSON line each. No session layer.
//
//   POP3_PASSWORD=… node bench/list-baseline.mjs HOST PORT USER CA_FILE

import { readFileSync } from 'node:fs';
import tls from 'node:tls';

const [host = '127.0.0.1', port = '995', user = '', caFile = ''] = process.argv.slice(2);
const password = process.env.POP3_PASSWORD ?? '';

const socket = tls.connect({
  host,
  port: Number(port),
  servername: 'localhost',
  ca: readFileSync(caFile),
});
socket.setNoDelay(true);

/** What each queued reply is: a status line, or a status line and a dot-terminated body. */
const expected = [];
let buffer = Buffer.alloc(0);

function send(line, isMulti, onReply) {
  expected.push({ isMulti, onReply });
  return `${line}\r\n`;
}

socket.on('data', (chunk) => {
  buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
  for (;;) {
    const next = expected[0];
    if (!next) return;
    const statusEnd = buffer.indexOf('\r\n');
    if (statusEnd < 0) return;
    const isOk = buffer[0] === 0x2b;
    if (!isOk) throw new Error(`server said ${buffer.subarray(0, statusEnd).toString()}`);
    let consumed = statusEnd + 2;
    let body = null;
    if (next.isMulti) {
      // The terminator may follow the status line at once (an empty body).
      const end = buffer.indexOf('\r\n.\r\n', statusEnd);
      if (end < 0) return;
      body = buffer.subarray(statusEnd + 2, end + 2);
      consumed = end + 5;
    }
    expected.shift();
    const reply = buffer.subarray(0, consumed);
    buffer = buffer.subarray(consumed);
    next.onReply(body, reply);
  }
});

// RFC 2047 words and raw UTF-8: what any small client does for a subject line.
const WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=(?:\s+(?==\?))?/g;
function decodeWords(text) {
  return text.replace(WORD, (_all, charset, encoding, data) => {
    const bytes =
      encoding.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64')
        : Buffer.from(
            data
              .replace(/_/g, ' ')
              .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex) => String.fromCharCode(parseInt(hex, 16))),
            'latin1',
          );
    try {
      return new TextDecoder(charset).decode(bytes);
    } catch {
      return bytes.toString('utf8');
    }
  });
}

function field(headers, name) {
  const match = new RegExp(`^${name}:(.*(?:\\r\\n[ \\t].*)*)`, 'im').exec(headers);
  return match ? decodeWords(match[1].replace(/\r\n/g, '').trim()) : null;
}

const uidls = new Map();
let out = '';
expected.push({
  isMulti: false,
  onReply() {
    const auth = Buffer.from(`\0${user}\0${password}`).toString('base64');
    socket.write(
      send(`AUTH PLAIN ${auth}`, false, () => {
        socket.write(
          send('UIDL', true, (body) => {
            for (const line of body.toString('latin1').split('\r\n')) {
              const [msg, uidl] = line.split(' ');
              if (uidl) uidls.set(Number(msg), uidl);
            }
          }) +
            send('LIST', true, (body) => {
              const sizes = body
                .toString('latin1')
                .split('\r\n')
                .filter(Boolean)
                .map((line) => line.split(' ').map(Number))
                .reverse();
              let left = sizes.length;
              let commands = '';
              for (const [msg, size] of sizes) {
                commands += send(`TOP ${msg} 0`, true, (headers) => {
                  const text = headers.toString('utf8');
                  out += `${JSON.stringify({
                    number: msg,
                    uidl: uidls.get(msg) ?? null,
                    size,
                    from: field(text, 'From'),
                    subject: field(text, 'Subject'),
                  })}\n`;
                  if (--left === 0) {
                    process.stdout.write(out);
                    socket.write(send('QUIT', false, () => socket.end()));
                  }
                });
              }
              socket.write(commands);
            }),
        );
      }),
    );
  },
});
