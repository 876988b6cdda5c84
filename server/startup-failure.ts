// Turns a failure while the gateway starts into the one line main.ts prints: which
// setting is involved and what to do. Branches on error codes, never on message text.

/** Where the gateway tried to listen, as configured. */
export interface ListenTarget {
  host: string;
  port: number;
}

/** The start-up step that failed: the demo POP3 server, or the gateway's own listener. */
export type StartupStep = 'demo' | 'listen';

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One line, no stack trace: names the setting (HOST, PORT, POP3_HOST) and the fix. */
export function describeStartupFailure(
  step: StartupStep,
  error: unknown,
  target: ListenTarget,
): string {
  if (step === 'demo') {
    return (
      `Start-up failed: the embedded demo POP3 server did not start (${reason(error)}). ` +
      'Set POP3_HOST to use a real POP3 server instead.'
    );
  }
  const where = `${target.host}:${target.port}`;
  switch (errorCode(error)) {
    case 'EADDRINUSE':
      return (
        `Start-up failed: PORT ${target.port} on ${target.host} is already in use. ` +
        'Set PORT to a free port, or stop the program that holds it.'
      );
    case 'EACCES':
      return (
        `Start-up failed: not allowed to listen on ${where}. ` +
        'Set PORT to 1024 or above (lower ports need privileges).'
      );
    case 'EADDRNOTAVAIL':
      return (
        `Start-up failed: HOST ${target.host} is not an address of this machine. ` +
        'Set HOST to one of its addresses (the default is 127.0.0.1).'
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return (
        `Start-up failed: HOST ${target.host} does not resolve to an address. ` +
        'Set HOST to an IP address of this machine.'
      );
    default:
      return (
        `Start-up failed: cannot listen on ${where} (${reason(error)}). ` + 'Check HOST and PORT.'
      );
  }
}
