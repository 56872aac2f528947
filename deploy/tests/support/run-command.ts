import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from './repo-paths';

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a CLI with only PATH and HOME from this process, so neither a developer's shell exports
 * nor npm's environment can feed Compose's `${VAR}` substitution behind the test's back.
 */
export function runCommand(command: string, args: string[], extraEnv: Record<string, string> = {}): CommandResult {
  const result = spawnSync(command, args, {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...extraEnv },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Fails with the tool's own words when a required CLI is missing (CI installs it; nothing is skipped). */
export function requireCli(command: string, versionArgs: string[], installHint: string): void {
  const probe = spawnSync(command, versionArgs, { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`${command} is required by these checks and was not found or failed: ${installHint}`);
  }
}
