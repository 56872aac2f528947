import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './repo-paths';
import { requireCli, runCommand, type CommandResult } from './run-command';

requireCli('docker-compose', ['version'], '`apt-get install docker-compose` (.ci/run does it)');

/** `docker-compose -f docker-compose.yml --env-file <file> config [args]` from a clean environment. */
export function composeConfig(envFile: string, args: string[] = []): CommandResult {
  return runCommand('docker-compose', ['-f', join(REPO_ROOT, 'docker-compose.yml'), '--env-file', envFile, 'config', ...args]);
}

/** Writes `text` to a fresh temporary file and returns its path. */
export function tempFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'tp-deploy-')), name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

export interface ComposeService {
  image?: string;
  build?: unknown;
  pull_policy?: string;
  ports?: Array<string | { published?: number | string; target?: number; host_ip?: string }>;
  environment?: Record<string, string | null>;
  networks?: Record<string, { ipv4_address?: string } | null>;
  healthcheck?: { test?: string[] | string };
  command?: string[];
}

/** The fully interpolated model Compose would run. */
export interface ComposeNetwork {
  ipam?: { config?: Array<{ subnet?: string }> };
}

export function resolvedCompose(envFile: string): { services: Record<string, ComposeService>; networks?: Record<string, ComposeNetwork | null> } {
  const result = composeConfig(envFile);
  if (result.status !== 0) throw new Error(`docker-compose config failed:\n${result.stderr}`);
  return parse(result.stdout) as { services: Record<string, ComposeService>; networks?: Record<string, ComposeNetwork | null> };
}

/** A port entry as host address + target, whichever syntax docker-compose printed. */
export function portBinding(port: NonNullable<ComposeService['ports']>[number]): { hostIp: string; target: number } {
  if (typeof port === 'object') return { hostIp: port.host_ip ?? '0.0.0.0', target: Number(port.target) };
  const parts = port.replace(/\/(tcp|udp)$/, '').split(':');
  const target = Number(parts[parts.length - 1]);
  return { hostIp: parts.length === 3 ? (parts[0] as string) : '0.0.0.0', target };
}
