import { createConnection } from 'node:net';

function reachable(host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function hostPort(url: string, fallbackPort: number): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || fallbackPort) };
}

/** One clear line per missing dependency, with the command that starts it. */
export async function preflight(databaseUrl: string, redisUrl: string): Promise<string[]> {
  const problems: string[] = [];
  const pg = hostPort(databaseUrl, 5432);
  if (!(await reachable(pg.host, pg.port))) {
    problems.push(
      `PostgreSQL is not reachable at ${pg.host}:${pg.port}. Start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start (or: docker-compose up -d postgres)`,
    );
  }
  const redis = hostPort(redisUrl, 6379);
  if (!(await reachable(redis.host, redis.port))) {
    problems.push(
      `Redis is not reachable at ${redis.host}:${redis.port}. Start it: redis-server --daemonize yes --bind 127.0.0.1 --port ${redis.port} --save "" --appendonly no (or: docker-compose up -d redis)`,
    );
  }
  return problems;
}
