import type { INestApplicationContext } from '@nestjs/common';
import { createServer, Server } from 'node:http';
import { HealthService } from './modules/health/health.service';
import { MetricsService } from './modules/metrics/metrics.service';

/**
 * /health and /metrics for the roles without the API (scheduler, worker): a bare HTTP server on
 * the process's own services, so the answer is about this process's connections and browser. Not
 * a Nest HTTP app: that would also serve the controllers of every module the role loads, and
 * those are guarded by the API's authentication, which these roles do not run.
 */
export async function serveProbes(app: INestApplicationContext, port: number): Promise<Server> {
  const health = app.get(HealthService);
  const metrics = app.get(MetricsService);
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const answer = async (): Promise<void> => {
      if (req.method !== 'GET') {
        res.writeHead(405, { Allow: 'GET' }).end();
      } else if (path === '/health') {
        const report = await health.check();
        res
          .writeHead(report.status === 'ok' ? 200 : 503, { 'Content-Type': 'application/json' })
          .end(JSON.stringify(report));
      } else if (path === '/metrics') {
        const body = await metrics.render();
        res.writeHead(200, { 'Content-Type': metrics.registry.contentType }).end(body);
      } else {
        res.writeHead(404).end();
      }
    };
    answer().catch((error: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(error.message);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  return server;
}
