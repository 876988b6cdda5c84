// Command-line arguments of the pop3 diagnostic command, validated into a
// typed request. Knows nothing of POP3 or sockets.

import { parseArgs } from 'node:util';
import type { UpstreamTarget } from '../upstream.ts';

export const USAGE = `Usage: npm run pop3 -- <command> [options]

Commands:
  check                 greeting, capabilities, sign-in method, message count, timings
  list [--limit N]      newest first: number, UIDL, size, date, from, subject
       [--json]         one JSON object per line instead
  retr N                the raw message N to standard output

Options:
  --host NAME           POP3 server (required)
  --port N              default 995 (implicit TLS) or 110 (--tls starttls)
  --tls MODE            implicit (default) or starttls; plaintext is never used
  --ca FILE             PEM file of CAs to trust instead of the system's
  --servername NAME     name to verify in the certificate (default: --host)
  --user NAME           mailbox user (required)
  --apop                prefer APOP
  --no-pipelining       send one command at a time

The password comes from POP3_PASSWORD, or a prompt on a terminal.`;

export interface CliRequest {
  command: 'check' | 'list' | 'retr';
  target: UpstreamTarget;
  caFile: string | undefined;
  user: string;
  limit: number | undefined;
  isJson: boolean;
  message: number | undefined;
  preferApop: boolean;
  isPipeliningOff: boolean;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function positive(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]{0,9}$/.test(value)) throw new UsageError(`${what} must be a positive integer`);
  return Number(value);
}

/** Parse argv (without node and script). Throws UsageError with a message to print. */
export function parseCliArgs(argv: readonly string[]): CliRequest | 'help' {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      tls: { type: 'string', default: 'implicit' },
      ca: { type: 'string' },
      servername: { type: 'string' },
      user: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean', default: false },
      apop: { type: 'boolean', default: false },
      'no-pipelining': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || positionals.length === 0) return 'help';
  const [command, arg, ...extra] = positionals;
  if (command !== 'check' && command !== 'list' && command !== 'retr') {
    throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
  if (extra.length > 0 || (command !== 'retr' && arg !== undefined)) {
    throw new UsageError('too many arguments');
  }
  if (values.tls !== 'implicit' && values.tls !== 'starttls') {
    throw new UsageError('--tls must be implicit or starttls');
  }
  if (!values.host) throw new UsageError('--host is required');
  if (!values.user) throw new UsageError('--user is required');
  const message = command === 'retr' ? positive(arg, 'the message number') : undefined;
  if (command === 'retr' && message === undefined) throw new UsageError('retr needs N');
  const port = positive(values.port, '--port') ?? (values.tls === 'starttls' ? 110 : 995);
  if (port > 65535) throw new UsageError('--port must be at most 65535');
  return {
    command,
    target: {
      host: values.host,
      port,
      tls: values.tls,
      ...(values.servername ? { servername: values.servername } : {}),
    },
    caFile: values.ca,
    user: values.user,
    limit: positive(values.limit, '--limit'),
    isJson: values.json,
    message,
    preferApop: values.apop,
    isPipeliningOff: values['no-pipelining'],
  };
}
