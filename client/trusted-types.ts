// Trusted Types (docs/security.md #53). The app's CSP makes every HTML and script-URL
// sink demand a typed value, so the only HTML that can reach a sink is what went
// through the message-frame policy below, and a stray `innerHTML = string`
// anywhere throws instead of parsing. Browsers without Trusted Types get the
// plain strings back and rely on the rest of the CSP.

/** The policy names the CSP's `trusted-types` directive lists, and nothing else. */
export const POLICY_NAMES = ['default', 'webmail-frame', 'dompurify'] as const;

interface Policy {
  createHTML(input: string): unknown;
}

interface PolicyFactory {
  createPolicy(
    name: string,
    rules: {
      createHTML?: (input: string) => string | null;
      createScriptURL?: (input: string) => string | null;
      createScript?: (input: string) => string | null;
    },
  ): Policy;
}

let framePolicy: Policy | null | undefined;

function factory(): PolicyFactory | undefined {
  return (globalThis as { trustedTypes?: PolicyFactory }).trustedTypes;
}

function install(): Policy | null {
  const types = factory();
  if (!types) return null;
  // Strings reaching a sink untyped: only script URLs of our own origin (the
  // MIME worker, which the bundler creates from a URL) pass; HTML and script
  // text are refused, so they throw.
  types.createPolicy('default', {
    createScriptURL: (input) =>
      new URL(input, location.href).origin === location.origin ? input : null,
    createHTML: () => null,
    createScript: () => null,
  });
  return types.createPolicy('webmail-frame', { createHTML: (input) => input });
}

/** Installs the policies once (idempotent); call before the first worker or frame. */
export function installTrustedTypes(): void {
  framePolicy ??= install();
}

/**
 * The message frame's srcdoc, typed. Only for the output of the frame builder
 * (sanitized and serialized once): this is the one place HTML becomes trusted.
 */
export function trustedFrameHtml(html: string): string {
  installTrustedTypes();
  // A TrustedHTML where the browser has them; Preact passes it to srcdoc as is.
  return framePolicy ? (framePolicy.createHTML(html) as string) : html;
}
