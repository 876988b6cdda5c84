// The public surface of the POP3 codec and client session.

export * from './errors.ts';
export * from './limits.ts';
export * from './response-codes.ts';
export * from './command.ts';
export * from './status.ts';
export * from './replies.ts';
export * from './reply-parser.ts';
export * from './reply-queue.ts';
export * from './session.ts';
export type { Credentials, LoginOptions } from './auth.ts';
export { chooseMechanisms } from './auth.ts';
