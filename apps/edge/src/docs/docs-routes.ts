import express, { Router, type RequestHandler } from 'express';
import type { TokenVerifier } from '@tp/auth';
import type { ApiRegistry } from '@tp/openapi';
import { countUnauthorized } from '../rate-limit/count-unauthorized';
import { docsAccess } from './docs-access';
import { docsAssetRoute, docsDocumentRoute, docsInitializerRoute, docsPageRoute } from './edge-api';
import type { OpenApiDocument } from './merge-openapi';

// The API's CSP is `default-src 'none'`; the UI needs its own scripts, styles and data: icons, all from here.
const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const docsHeaders: RequestHandler = (_req, res, next) => {
  res.set({ 'Content-Security-Policy': DOCS_CSP, 'Cache-Control': 'no-store' });
  next();
};

// Every URL is plain: after the first load (?token= → 303) the browser sends the docs cookie.
const PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>ToolsPlatform API</title>
    <link rel="stylesheet" type="text/css" href="/docs/swagger-ui.css">
    <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js" charset="UTF-8"></script>
    <script src="/docs/swagger-ui-standalone-preset.js" charset="UTF-8"></script>
    <script src="/docs/swagger-initializer.js" charset="UTF-8"></script>
  </body>
</html>
`;

const INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '/docs/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
};
`;

export interface DocsRoutesOptions {
  verifier: TokenVerifier;
  adminOnly: boolean;
  rateLimiter: RequestHandler;
  document: () => Promise<OpenApiDocument>;
  api: ApiRegistry;
}

/** GET /docs (Swagger UI from the installed swagger-ui-dist, no CDN) and /docs/openapi.json. */
export function docsRoutes(options: DocsRoutesOptions): Router {
  const router = Router();
  router.use('/docs', countUnauthorized(docsAccess(options.verifier, options.adminOnly), options.rateLimiter), docsHeaders);
  options.api.mount(router, docsPageRoute, (_req, res) => {
    res.type('html').send(PAGE);
  });
  options.api.mount(router, docsInitializerRoute, (_req, res) => {
    res.type('js').send(INITIALIZER);
  });
  options.api.mount(router, docsDocumentRoute, async (_req, res) => {
    res.json(await options.document());
  });
  // absolute-path.js, not the package main: the main module also loads the whole UI bundle (MBs) into the edge.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- swagger-ui-dist ships CommonJS without types
  const assets = (require('swagger-ui-dist/absolute-path.js') as () => string)();
  options.api.route(docsAssetRoute);
  router.use('/docs', express.static(assets, { index: false }));
  return router;
}
