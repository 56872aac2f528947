import { join } from 'node:path';
import { REPO_ROOT } from './repo-paths';
import { runCommand, type CommandResult } from './run-command';

/** Runs the real `npm run compose:env` entry point (through tsx, as the npm script does). */
export function writeComposeEnv(args: string[]): CommandResult {
  return runCommand(join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), [join(REPO_ROOT, 'tools/compose/write-compose-env.ts'), ...args]);
}

/** `NAME=value` lines of an env file, comments skipped. */
export function parseEnvFile(text: string): Map<string, string> {
  const entries = text
    .split('\n')
    .filter((line) => /^[A-Z0-9_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as [string, string]);
  return new Map(entries);
}
