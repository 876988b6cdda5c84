// The embedded demo POP3 server: public surface for the CLI, the gateway's
// `npm start` mode and tests. Loopback only; never a real mailbox.

export { DEMO_USER, type DemoMailboxSource, type DemoMessage, type DemoUser } from './mailbox.ts';
export type { DemoCommandContext, DemoFaultAction, DemoFaults } from './faults.ts';
export type { DemoCapabilities, DemoServerOptions } from './options.ts';
export { DemoServerError, type DemoServerErrorCode } from './errors.ts';
export { createSampleMailbox } from './sample-mailbox.ts';
export { startDemoServer, type DemoServer } from './pop3-server.ts';
export { DEMO_DOMAIN, startDemoSubmission, type DemoSubmission } from './submission-server.ts';
