// Typed errors to plain words: POP3 response codes, auth failures, and each
// gateway close code a user can meet (TLS problems each have their own text).

import { describe, expect, it } from 'vitest';
import { closeError, ConnectionError } from '../../../client/connection.ts';
import { errorMessageKey, isCredentialFailure, isRetryable } from '../../../client/state/errors.ts';
import { createI18n } from '../../../client/state/i18n.ts';
import { CLOSE_CODES } from '../../../shared/bridge/messages.ts';
import {
  localError,
  Pop3ProtocolError,
  Pop3ReplyError,
  type Pop3ErrorCode,
} from '../../../shared/pop3/index.ts';

function reply(code: Pop3ErrorCode, responseCode?: string): Pop3ReplyError {
  return new Pop3ReplyError(code, 'PASS failed', 'PASS ******', responseCode, 'text');
}

const en = createI18n({ languages: ['en'] });

describe('errorMessageKey', () => {
  it.each([
    ['wrong password', reply('POP3_AUTH_FAILED', 'AUTH'), 'error.wrongPassword'],
    ['wrong password without a code', reply('POP3_AUTH_FAILED'), 'error.wrongPassword'],
    ['mailbox in use', reply('POP3_ERR', 'IN-USE'), 'error.inUse'],
    ['login delay', reply('POP3_ERR', 'LOGIN-DELAY'), 'error.loginDelay'],
    ['temporary failure', reply('POP3_ERR', 'SYS/TEMP'), 'error.tempFailure'],
    ['broken server', reply('POP3_ERR', 'SYS/PERM'), 'error.permFailure'],
    ['no mechanism', localError('POP3_NO_AUTH_MECHANISM', 'x'), 'error.noAuthMechanism'],
    ['timeout', localError('POP3_TIMEOUT', 'x'), 'error.timeout'],
    ['protocol', new Pop3ProtocolError('POP3_BAD_STATUS', 'x'), 'error.protocol'],
    ['read-only', localError('POP3_UNSUPPORTED', 'x'), 'error.readOnly'],
  ])('%s', (_name, error, key) => {
    expect(errorMessageKey(error)).toBe(key);
  });

  it.each([
    [CLOSE_CODES.TLS_UNTRUSTED, 'error.certUntrusted'],
    [CLOSE_CODES.TLS_SELF_SIGNED, 'error.certSelfSigned'],
    [CLOSE_CODES.TLS_EXPIRED, 'error.certExpired'],
    [CLOSE_CODES.TLS_HOSTNAME, 'error.certHostname'],
    [CLOSE_CODES.TLS_PROTOCOL, 'error.tlsProtocol'],
    [CLOSE_CODES.STLS_FAILED, 'error.tlsProtocol'],
    [CLOSE_CODES.UPSTREAM_CONNECT_FAILED, 'error.serverUnreachable'],
    [CLOSE_CODES.UPSTREAM_TIMEOUT, 'error.serverTimeout'],
    [CLOSE_CODES.UPSTREAM_BAD_GREETING, 'error.serverRefused'],
    [CLOSE_CODES.UPSTREAM_CLOSED, 'error.serverClosed'],
    [CLOSE_CODES.UPSTREAM_PROTOCOL, 'error.protocol'],
    [CLOSE_CODES.UNKNOWN_SERVER, 'error.unknownServer'],
    [CLOSE_CODES.RATE_LIMITED, 'error.rateLimited'],
    [CLOSE_CODES.GOING_AWAY, 'error.gatewayRestarting'],
  ])('close code %i', (code, key) => {
    expect(errorMessageKey(closeError(code, false))).toBe(key);
  });

  it('looks through POP3_CLOSED to the connection error that caused it', () => {
    const cause = closeError(CLOSE_CODES.TLS_HOSTNAME, false);
    const closed = localError('POP3_CLOSED', 'closed', { cause });
    expect(errorMessageKey(closed)).toBe('error.certHostname');
    expect(isRetryable(closed)).toBe(false);
  });

  it('falls back to the gateway error code when the close code is generic', () => {
    const error = closeError(1006, false, 'UPSTREAM_TLS_SELF_SIGNED');
    expect(errorMessageKey(error)).toBe('error.certSelfSigned');
  });

  it('says "cannot reach the webmail service" when the socket never opened', () => {
    const error = new ConnectionError('CONNECTION_UNREACHABLE', 'x', { isRetryable: true });
    expect(errorMessageKey(error)).toBe('error.gatewayUnreachable');
  });

  it('every message has English and Chinese words', () => {
    const zh = createI18n({ languages: ['zh-CN'] });
    const errors = [
      reply('POP3_AUTH_FAILED', 'AUTH'),
      reply('POP3_ERR', 'IN-USE'),
      reply('POP3_ERR', 'SYS/PERM'),
    ];
    for (const error of errors) {
      const key = errorMessageKey(error);
      expect(en.t(key)).not.toBe(zh.t(key));
    }
    expect(en.t('error.wrongPassword')).toBe('Wrong username or password.');
    expect(zh.t('error.wrongPassword')).toBe('用户名或密码错误。');
    expect(en.t('error.permFailure')).toBe(
      'The mail server has a problem it cannot fix by itself. Ask its administrator; your password was not refused.',
    );
  });

  it('a garbled greeting and a server hanging up are told apart from a lost network', () => {
    const zh = createI18n({ languages: ['zh-CN'] });
    const greeting = errorMessageKey(closeError(CLOSE_CODES.UPSTREAM_BAD_GREETING, false));
    expect(en.t(greeting)).toBe(
      'The mail server refused the connection or greeted this app with something it cannot understand.',
    );
    expect(zh.t(greeting)).toBe('邮件服务器拒绝了连接，或发送了本应用无法理解的问候信息。');
    const closed = errorMessageKey(closeError(CLOSE_CODES.UPSTREAM_CLOSED, true));
    expect(en.t(closed)).toBe('The mail server closed the connection unexpectedly.');
    expect(zh.t(closed)).toBe('邮件服务器意外关闭了连接。');
    expect(closed).not.toBe(errorMessageKey(closeError(1006, true)));
  });
});

describe('retry policy', () => {
  it('never retries a refused password; retries busy mailboxes and drops', () => {
    expect(isCredentialFailure(reply('POP3_AUTH_FAILED', 'AUTH'))).toBe(true);
    expect(isCredentialFailure(reply('POP3_ERR', 'IN-USE'))).toBe(false);
    // The gateway counts no failed login for [SYS/PERM]: the page must not sign out either.
    expect(isCredentialFailure(reply('POP3_ERR', 'SYS/PERM'))).toBe(false);
    expect(isCredentialFailure(reply('POP3_AUTH_FAILED', 'SYS/PERM'))).toBe(false);
    expect(isRetryable(reply('POP3_ERR', 'SYS/PERM'))).toBe(false);
    expect(isRetryable(reply('POP3_ERR', 'IN-USE'))).toBe(true);
    expect(isRetryable(reply('POP3_AUTH_FAILED', 'AUTH'))).toBe(false);
    expect(isRetryable(localError('POP3_CLOSED', 'x'))).toBe(true);
    expect(isRetryable(closeError(CLOSE_CODES.TLS_EXPIRED, false))).toBe(false);
    expect(isRetryable(closeError(1006, true))).toBe(true);
  });
});
