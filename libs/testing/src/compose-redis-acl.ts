import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { parse } from 'yaml';

const COMPOSE_FILE = join(__dirname, '../../../docker-compose.yml');

/** The `--user <name> …` rules of docker-compose.yml's redis command, the password left out. */
export function composeRedisAclRules(user: string): string[] {
  const compose = parse(readFileSync(COMPOSE_FILE, 'utf8')) as { services: { redis: { command: string[] } } };
  const command = compose.services.redis.command;
  const start = command.findIndex((arg, index) => arg === '--user' && command[index + 1] === user);
  if (start === -1) throw new Error(`docker-compose.yml: redis has no --user ${user}`);
  const end = command.findIndex((arg, index) => index > start && arg.startsWith('--'));
  return command.slice(start + 2, end === -1 ? undefined : end).filter((rule) => !rule.startsWith('>'));
}

export interface AclUser {
  /** redis://name:password@host:port of the test Redis. */
  url: string;
  remove: () => Promise<void>;
}

/** That compose user's rules as a uniquely named ACL user on the test Redis (removed afterwards). */
export async function createComposeAclUser(admin: Redis, redisUrl: string, user: string): Promise<AclUser> {
  const name = `tp-test-${user}-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(16).toString('hex');
  await admin.call('ACL', 'SETUSER', name, 'reset', `>${password}`, ...composeRedisAclRules(user));
  const url = new URL(redisUrl);
  url.username = name;
  url.password = password;
  return { url: url.toString(), remove: async () => void (await admin.call('ACL', 'DELUSER', name)) };
}
