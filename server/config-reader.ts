// Typed reads of one configuration source (environment or JSON file) with
// errors that name the key. Knows the value syntax, not what the keys mean.

/** A configuration problem; `key` names the setting at fault. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'GATEWAY_CONFIG_INVALID';
  constructor(
    readonly key: string,
    problem: string,
  ) {
    super(`${key}: ${problem}`);
  }
}

export type Source = Record<string, unknown>;

export interface ConfigInput {
  env: Record<string, string | undefined>;
  /** Reads a file as UTF-8 text (CONFIG_FILE, POP3_CA_FILE). */
  readFile: (path: string) => string;
}

export class Reader {
  /** `name` turns a key into the name the user wrote (e.g. port → POP3_PORT). */
  constructor(
    private readonly source: Source,
    private readonly name: (key: string) => string = (key) => key,
  ) {}

  /** An error about `key`, named as the user wrote it. */
  error(key: string, problem: string): ConfigError {
    return new ConfigError(this.name(key), problem);
  }

  raw(key: string): unknown {
    const value = this.source[key];
    return value === '' ? undefined : value;
  }

  string(key: string, fallback?: string): string | undefined {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (typeof value !== 'string') throw this.error(key, 'must be a string');
    return value.trim();
  }

  int(key: string, fallback: number, min: number, max: number): number {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    const number =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && /^\d+$/.test(value)
          ? Number(value)
          : NaN;
    if (!Number.isSafeInteger(number) || number < min || number > max) {
      throw this.error(
        key,
        `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`,
      );
    }
    return number;
  }

  bool(key: string): boolean {
    const value = this.raw(key);
    if (value === undefined || value === false || value === '0' || value === 'false') return false;
    if (value === true || value === '1' || value === 'true') return true;
    throw this.error(key, 'must be 1/true or 0/false');
  }

  list(key: string): string[] | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    const items = Array.isArray(value)
      ? value
      : typeof value === 'string'
        ? value.split(',')
        : null;
    if (!items || items.some((item) => typeof item !== 'string')) {
      throw this.error(key, 'must be a comma-separated list or an array of strings');
    }
    return (items as string[]).map((item) => item.trim()).filter((item) => item !== '');
  }
}
