// loadConfig over an in-memory set of files, for the configuration tests: what
// loads, and the ConfigError (naming its key) for what does not.

import { expect } from 'vitest';
import { ConfigError, loadConfig, type Config } from '../../server/config.ts';

/** A PEM-shaped CA file body, enough for the config reader's check. */
export const TEST_CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

/** Load `env`, with `files` standing in for the disk (anything else is ENOENT). */
export function load(env: Record<string, string>, files: Record<string, string> = {}): Config {
  return loadConfig({
    env,
    readFile: (file) => {
      const text = files[file];
      if (text === undefined) throw new Error('ENOENT: no such file');
      return text;
    },
  });
}

/** The ConfigError that loading `env` must throw. */
export function failure(env: Record<string, string>, files?: Record<string, string>): ConfigError {
  try {
    load(env, files);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}
