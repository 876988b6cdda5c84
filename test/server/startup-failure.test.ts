// Every start-up failure main.ts can name becomes one line with the setting and the fix.
import { describe, expect, it } from 'vitest';
import { describeStartupFailure } from '../../server/startup-failure.ts';

const TARGET = { host: '127.0.0.1', port: 8080 };
const systemError = (code: string): Error => Object.assign(new Error(`listen ${code}`), { code });

describe('describeStartupFailure', () => {
  it.each([
    ['EADDRINUSE', /PORT 8080 on 127\.0\.0\.1 is already in use\. Set PORT to a free port/],
    ['EACCES', /not allowed to listen on 127\.0\.0\.1:8080\. Set PORT to 1024 or above/],
    ['EADDRNOTAVAIL', /HOST 127\.0\.0\.1 is not an address of this machine\. Set HOST/],
    ['ENOTFOUND', /HOST 127\.0\.0\.1 does not resolve to an address\. Set HOST/],
  ])('%s names the setting and what to do, on one line', (code, expected) => {
    const line = describeStartupFailure('listen', systemError(code), TARGET);
    expect(line).toMatch(/^Start-up failed: /);
    expect(line).toMatch(expected);
    expect(line).not.toContain('\n');
  });

  it('an unknown listen error keeps its reason and points at HOST and PORT', () => {
    const line = describeStartupFailure('listen', systemError('EWHATEVER'), TARGET);
    expect(line).toBe(
      'Start-up failed: cannot listen on 127.0.0.1:8080 (listen EWHATEVER). Check HOST and PORT.',
    );
  });

  it('a demo server that cannot start points at POP3_HOST', () => {
    const line = describeStartupFailure('demo', new Error('no free port'), TARGET);
    expect(line).toBe(
      'Start-up failed: the embedded demo POP3 server did not start (no free port). ' +
        'Set POP3_HOST to use a real POP3 server instead.',
    );
  });
});
