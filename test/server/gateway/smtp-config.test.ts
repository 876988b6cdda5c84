// The submission server of an upstream (docs/security.md #62): SMTP_* and the
// CONFIG_FILE `smtp` object, the port/TLS pairs refused at start-up with the
// key named, the sender rule, the caps' defaults, and what api/config says.

import { describe, expect, it } from 'vitest';
import { failure, load, TEST_CA as CA } from '../../support/config-files.ts';
import { senderAddress } from '../../../server/smtp-config.ts';

const POP3 = { POP3_HOST: 'pop.example.org' };

describe('submission server configuration', () => {
  it('is absent unless SMTP_HOST is set', () => {
    expect(load(POP3).upstreams[0]?.smtp).toBeUndefined();
  });

  it('defaults to 465 with implicit TLS (RFC 8314) and the user name as sender', () => {
    const smtp = load({ ...POP3, SMTP_HOST: 'smtp.example.org' }).upstreams[0]?.smtp;
    expect(smtp).toEqual({
      host: 'smtp.example.org',
      port: 465,
      tls: 'implicit',
      sender: { kind: 'username' },
      isXclient: false,
    });
  });

  it('defaults to 587 with starttls, and reads CA, servername, template and XCLIENT', () => {
    const smtp = load(
      {
        ...POP3,
        SMTP_HOST: '10.0.0.9',
        SMTP_TLS: 'starttls',
        SMTP_CA_FILE: '/ca.pem',
        SMTP_SERVERNAME: 'smtp.example.org',
        SMTP_FROM: '%u@example.org',
        SMTP_XCLIENT: '1',
      },
      { '/ca.pem': CA },
    ).upstreams[0]?.smtp;
    expect(smtp).toEqual({
      host: '10.0.0.9',
      port: 587,
      tls: 'starttls',
      ca: CA,
      servername: 'smtp.example.org',
      sender: { kind: 'template', template: '%u@example.org' },
      isXclient: true,
    });
  });

  it.each([
    [{ SMTP_PORT: '25' }, 'SMTP_PORT', /relay port/],
    [{ SMTP_PORT: '25', SMTP_TLS: 'starttls' }, 'SMTP_PORT', /relay port/],
    [{ SMTP_PORT: '587' }, 'SMTP_PORT', /plaintext/],
    [{ SMTP_PORT: '465', SMTP_TLS: 'starttls' }, 'SMTP_PORT', /implicit TLS/],
    [{ SMTP_TLS: 'none' }, 'SMTP_TLS', /implicit/],
    [{ SMTP_TLS: 'plain' }, 'SMTP_TLS', /starttls/],
    [{ SMTP_FROM: 'someone@example.org' }, 'SMTP_FROM', /%u@example.org/],
    [{ SMTP_FROM: '%u at example' }, 'SMTP_FROM', /template/],
    [{ SMTP_CA_FILE: '/missing.pem' }, 'SMTP_CA_FILE', /cannot read/],
    [{ SMTP_SERVERNAME: '10.0.0.1' }, 'SMTP_SERVERNAME', /DNS name/],
    [{ SMTP_XCLIENT: 'yes' }, 'SMTP_XCLIENT', /1\/true/],
  ])('refuses %j naming %s', (extra, key, problem) => {
    const error = failure({ ...POP3, SMTP_HOST: 'smtp.example.org', ...extra });
    expect(error.key).toBe(key);
    expect(error.message).toMatch(problem);
  });

  it('refuses SMTP_* settings without SMTP_HOST, and SMTP_HOST without POP3_HOST', () => {
    expect(failure({ ...POP3, SMTP_PORT: '465' }).key).toBe('SMTP_PORT');
    expect(failure({ SMTP_HOST: 'smtp.example.org' }).key).toBe('SMTP_HOST');
  });

  it('reads an smtp object per server in CONFIG_FILE, naming keys by their path', () => {
    const servers = [
      { id: 'a', host: 'pop.a', smtp: { host: 'smtp.a', tls: 'starttls' } },
      { id: 'b', host: 'pop.b' },
    ];
    const config = load(
      { CONFIG_FILE: '/c.json' },
      { '/c.json': JSON.stringify({ SERVERS: servers }) },
    );
    expect(config.upstreams[0]?.smtp).toMatchObject({ host: 'smtp.a', port: 587 });
    expect(config.upstreams[1]?.smtp).toBeUndefined();
    const bad = [{ id: 'a', host: 'pop.a', smtp: { host: 'smtp.a', port: 25 } }];
    const error = failure(
      { CONFIG_FILE: '/c.json' },
      { '/c.json': JSON.stringify({ SERVERS: bad }) },
    );
    expect(error.key).toBe('SERVERS[0].smtp.port');
    const notObject = [{ id: 'a', host: 'pop.a', smtp: 'smtp.a' }];
    const error2 = failure(
      { CONFIG_FILE: '/c.json' },
      { '/c.json': JSON.stringify({ SERVERS: notObject }) },
    );
    expect(error2.key).toBe('SERVERS[0].smtp');
  });

  it('has safe caps by default, each a setting', () => {
    const { limits } = load({});
    expect(limits).toMatchObject({
      smtpMaxRecipients: 100,
      smtpMaxMessageBytes: 25 * 1024 * 1024,
      smtpMessagesPerUserHour: 100,
      smtpMessagesPerAddressHour: 200,
    });
    expect(load({ SMTP_MAX_RECIPIENTS: '5' }).limits.smtpMaxRecipients).toBe(5);
    expect(failure({ SMTP_MAX_RECIPIENTS: '0' }).key).toBe('SMTP_MAX_RECIPIENTS');
  });

  it('makes the sender address from the rule, or none', () => {
    expect(senderAddress({ kind: 'username' }, 'ann@example.org')).toBe('ann@example.org');
    expect(senderAddress({ kind: 'username' }, 'ann')).toBeUndefined();
    expect(senderAddress({ kind: 'template', template: '%u@example.org' }, 'ann')).toBe(
      'ann@example.org',
    );
  });
});
