import { Agent, request } from 'node:http';
import type { DevIdentityProvider } from '@tp/dev-identity-provider';
import { soakUserEmail } from './soak-stack';

export interface Answer {
  status: number;
  body: string;
}

/** Access tokens live 300 s (Keycloak's default); clients renew a little before. */
const TOKEN_RENEW_MS = 240_000;

/**
 * One simulated user: its own loopback address (127.0.1.n, so rate limits see 50 clients, as in
 * production), a keep-alive connection pool, and a token renewed the way a client renews it.
 */
export class SoakAccount {
  readonly email: string;
  readonly address: string;
  userId = '';
  /** The tier the newest webhook sent for this account implies. */
  expectedTier: 'FREE' | 'PREMIUM' = 'FREE';
  readonly subscriptionId: string;
  readonly customerId: string;
  private token = '';
  private tokenAt = 0;
  private readonly agent: Agent;

  constructor(
    readonly index: number,
    private readonly edgeUrl: string,
    private readonly idp: DevIdentityProvider,
  ) {
    this.email = soakUserEmail(index);
    this.address = `127.0.1.${index + 1}`;
    this.agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const id = `${index}`.padStart(4, '0');
    this.subscriptionId = `sub_soak${id}${Date.now().toString(36)}`;
    this.customerId = `ctm_soak${id}${Date.now().toString(36)}`;
  }

  async bearer(): Promise<string> {
    if (Date.now() - this.tokenAt > TOKEN_RENEW_MS) {
      this.token = await this.idp.issueToken(this.email);
      this.tokenAt = Date.now();
    }
    return `Bearer ${this.token}`;
  }

  /** One request from this account's address; a network failure answers status 0. */
  send(method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<Answer> {
    const url = new URL(path, this.edgeUrl);
    return new Promise((resolve) => {
      const req = request(
        { method, hostname: url.hostname, port: url.port, path: url.pathname + url.search, headers, agent: this.agent, localAddress: this.address, timeout: 30_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', () => resolve({ status: 0, body: '' }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve({ status: 0, body: '' }));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
