import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/** Where `npm run build` puts the console, seen from src/ (tests) or dist/src/ (the service). */
const CANDIDATES = [
  join(__dirname, '..', '..', '..', 'dist', 'web'),
  join(__dirname, '..', '..', '..', 'web'),
];

export const CONSOLE_PATH = '/app';

export function consoleDirectory(): string | undefined {
  return CANDIDATES.find((dir) => existsSync(join(dir, 'index.html')));
}

/**
 * The web console at /app, from the files Vite built: hashed assets cached for a year, any other
 * path under /app answers index.html (the console routes in the browser, so a reloaded deep link
 * works), a missing file under /app/assets/ is a 404. Express's own static handler rather than
 * @nestjs/serve-static: that module's catch-all route sits behind the global 'api' prefix and
 * its exclusions, where this stays outside Nest's router altogether and leaves /api untouched.
 */
export function serveConsole(app: NestExpressApplication, dir = consoleDirectory()): void {
  if (dir) {
    app.useStaticAssets(join(dir, 'assets'), {
      prefix: `${CONSOLE_PATH}/assets`,
      index: false,
      immutable: true,
      maxAge: '1y',
    });
  }
  app.use(CONSOLE_PATH, (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (!dir) {
      res.status(404).type('text/plain').send('The console is not built: run `npm run build`.');
    } else if (req.path.startsWith('/assets/')) {
      res.status(404).type('text/plain').send('Not found');
    } else {
      // index.html names this build's assets: never cached without asking.
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(join(dir, 'index.html'));
    }
  });
}
