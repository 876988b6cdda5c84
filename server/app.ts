// The HTTP side of the gateway (express 5): the built client under BASE_PATH
// with strict security headers and caching, `api/config`, health, readiness,
// and Prometheus metrics when a token guards them (otherwise they live on
// their own listener, metrics-server.ts). Knows nothing of WebSockets or POP3.

import path from 'node:path';
import express, { type Request, type Response, type NextFunction } from 'express';
import type { Config } from './config.ts';
import type { Metrics } from './metrics.ts';
import type { Admission } from './throttle.ts';
import { compileTrust } from './network.ts';
import { hasBearerToken, sendMetrics } from './metrics-server.ts';

export interface AppOptions {
  config: Config;
  metrics: Metrics;
  /** False while draining on SIGTERM: /readyz answers 503 so the proxy stops routing here. */
  isReady: () => boolean;
  /** What an upgrade from this request's client would get now, spending nothing. */
  admission: (request: Request) => Admission;
}

/**
 * docs/security.md #45: the app's CSP; no inline script, no plugins, no framing, no
 * <base>. The message frame is an `about:srcdoc` document and inherits this
 * policy, so it must let mail's inline styles, data: fonts and (after the
 * reader opts in) https images through; the frame's own meta CSP narrows that
 * again and blocks remote images until then. The app document itself never
 * holds mail HTML (no innerHTML outside the frame builder), so inline styles
 * here open no script path.
 */
export function contentSecurityPolicy(config: Pick<Config, 'allowedOrigins'>): string {
  const sockets = config.allowedOrigins
    // CSP host-sources have no IPv6 literal form ('self' still covers them).
    .filter((origin) => !new URL(origin).hostname.startsWith('['))
    .map((origin) => origin.replace(/^http/, 'ws'));
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
    `connect-src 'self' ${sockets.join(' ')}`.trim(),
    "img-src 'self' data: blob: https:",
    // docs/security.md #53: HTML and script-URL sinks take typed values only
    // (client/trusted-types.ts); DOMPurify brings its own policy.
    "require-trusted-types-for 'script'",
    'trusted-types default webmail-frame dompurify',
  ].join('; ');
}

/** Vite names hashed assets `name-<hash>.ext` under assets/: safe to cache forever. */
const HASHED_ASSET = /\/assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

export function createApp(options: AppOptions): express.Express {
  const { config, metrics } = options;
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  // `/metrics/`, `/METRICS` and `/api/config/` are other paths, not aliases.
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  app.set('trust proxy', compileTrust(config.trustProxy));
  const csp = contentSecurityPolicy(config);

  app.use((_request: Request, response: Response, next: NextFunction) => {
    response.set({
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
    });
    next();
  });

  app.use((request: Request, response: Response, next: NextFunction) => {
    if (request.rawHeaders.length <= 2 * config.limits.maxHeadersCount) {
      next();
      return;
    }
    response.status(431).type('text/plain').send('Request Header Fields Too Large\n');
  });

  // Probes come from orchestrators with any Host; they reveal nothing.
  app.get('/healthz', (_request, response) => {
    response.type('text/plain').set('Cache-Control', 'no-store').send('ok\n');
  });
  app.get('/readyz', (_request, response) => {
    const isReady = options.isReady();
    response
      .status(isReady ? 200 : 503)
      .type('text/plain')
      .set('Cache-Control', 'no-store');
    response.send(isReady ? 'ready\n' : 'draining\n');
  });

  // docs/security.md #2 for the app too: a rebound DNS name gets nothing.
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (config.allowedHosts.includes((request.headers.host ?? '').toLowerCase())) {
      next();
      return;
    }
    response.status(421).type('text/plain').send('Misdirected Request\n');
  });

  const { token } = config.metrics;
  if (token !== undefined) {
    app.get('/metrics', (request, response, next) => {
      if (!hasBearerToken(request.headers.authorization, token)) {
        next();
        return;
      }
      sendMetrics(response, metrics);
    });
  }

  const base = config.basePath;
  if (base !== '/') {
    // Non-strict routing matches "/mail/" here too: redirect only the bare path.
    app.get(base.slice(0, -1), (request, response, next) => {
      if (request.path !== base.slice(0, -1)) {
        next();
        return;
      }
      response.redirect(301, base);
    });
  }
  app.get(`${base}api/config`, (_request, response) => {
    response.set('Cache-Control', 'no-store').json({
      // Whether sending is set up and how the sender address is made; never
      // a host, a port or a secret (docs/security.md #62).
      servers: config.upstreams.map(({ id, label, smtp }) => ({
        id,
        label,
        smtp: smtp ? { isEnabled: true, sender: smtp.sender } : { isEnabled: false },
      })),
      ...(config.demo ? { demo: config.demo } : {}),
    });
  });
  // A refused upgrade looks like a dead gateway to the page (browsers hide the
  // status), so the page asks here whether its address is limited, and says so.
  app.get(`${base}api/admission`, (request, response) => {
    const verdict = options.admission(request);
    response.set('Cache-Control', 'no-store');
    if (verdict.ok) return void response.json({ ok: true });
    const { status, reason, retryAfterS } = verdict;
    response.status(status).set('Retry-After', String(retryAfterS));
    response.json({ ok: false, reason, retryAfterS });
  });
  app.use(
    base,
    express.static(path.resolve(config.staticDir), {
      dotfiles: 'ignore',
      etag: true,
      index: 'index.html',
      redirect: false,
      setHeaders: (response, file) => {
        const isHashed = HASHED_ASSET.test(file.split(path.sep).join('/'));
        response.setHeader(
          'Cache-Control',
          isHashed ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    }),
  );

  app.use((_request: Request, response: Response) => {
    response.status(404).type('text/plain').send('Not Found\n');
  });
  // Never a stack trace to the browser (STYLE.md errors).
  app.use((_error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    response.status(500).type('text/plain').send('Internal Server Error\n');
  });
  return app;
}
