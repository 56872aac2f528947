import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

export type Env = Record<string, string | undefined>;

/** Thrown when the environment does not satisfy a service's schema; the message is one line. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

let dotenvLoaded = false;

/**
 * The process environment, with a root `.env` file merged underneath it once (Node's own
 * `process.loadEnvFile`: variables already set in the environment win, as they did with dotenv).
 * This is the only place in the code base that reads `process.env`.
 */
export function processEnv(): Env {
  if (!dotenvLoaded) {
    dotenvLoaded = true;
    const file = resolve(process.cwd(), '.env');
    if (existsSync(file)) process.loadEnvFile(file);
  }
  return process.env;
}

function describeIssue(issue: z.core.$ZodIssue, env: Env): string {
  const name = issue.path.join('.') || '(root)';
  const present = issue.path.length === 1 && env[String(issue.path[0])] !== undefined;
  return present ? `${name} is invalid: ${issue.message}` : `${name} is missing: ${issue.message}`;
}

/** Validates `env` against `schema`; on failure throws a ConfigError naming every bad variable on one line. */
export function loadConfig<S extends z.ZodType>(schema: S, env: Env = processEnv()): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => describeIssue(issue, env));
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
}

/**
 * For `main.ts`: build the config or exit with one clear line. Nothing else is printed,
 * so a bad deployment is diagnosed from the first log line.
 */
export function loadConfigOrExit<T>(build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
