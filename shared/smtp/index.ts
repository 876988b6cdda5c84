// The SMTP submission codec: what the browser and the gateway import.

export * from './address.ts';
export * from './auth.ts';
export * from './command.ts';
export * from './data.ts';
export * from './ehlo.ts';
export * from './end-of-data.ts';
export * from './errors.ts';
export * from './reply-parser.ts';
export * from './reply-queue.ts';
export { createSmtpMechanism, type SaslCredentials, type SmtpSaslMechanism } from './sasl.ts';
export * from './session.ts';
export * from './transaction.ts';
