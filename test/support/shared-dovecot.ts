// A test file's own users on the run's shared Dovecot (started by global-setup.ts), so
// the run starts Dovecot once instead of once per file. Files that restart or kill
// Dovecot, or need other server options, start their own with startDovecot().
import { inject } from 'vitest';
import { claimDovecotSlot, startDovecot, type DovecotSlot, type DovecotUser } from './dovecot.ts';

/** This file's mailboxes (default alice / wonderland-1), isolated from every other file's. */
export async function dovecotForFile(
  options: { users?: DovecotUser[] } = {},
): Promise<DovecotSlot> {
  const shared = inject('dovecot');
  const slot = shared === undefined ? undefined : await claimDovecotSlot(shared, options);
  // Run outside a project with the global setup, or more files than slots: a private one.
  return slot ?? startDovecot(options);
}
