import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { apiDocument } from '@tp/testing';

const ROOT = join(__dirname, '..', '..', '..');
const run = promisify(execFile);

/** Runs a linter CLI from node_modules/.bin; its JSON report on stdout whatever the exit code. */
async function lint(bin: string, args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(join(ROOT, 'node_modules', '.bin', bin), args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout };
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('the merged OpenAPI document (what the edge serves at /docs/openapi.json)', () => {
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'openapi-lint-'));
    file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(await apiDocument(), null, 2));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes Redocly CLI lint (recommended ruleset) with 0 errors and 0 warnings', async () => {
    const { code, stdout } = await lint('redocly', ['lint', file, '--config', 'redocly.yaml', '--format=json']);
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { totals: { errors: number; warnings: number }; problems: unknown[] };
    expect(report.problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    expect(code).toBe(0);
  });

  it('passes Spectral (spectral:oas + the OWASP ruleset, .spectral.yaml) with no result of any severity', async () => {
    const { code, stdout } = await lint('spectral', ['lint', file, '--ruleset', '.spectral.yaml', '-f', 'json', '--fail-severity=hint', '--quiet']);
    const results = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ code: string; path: string[]; message: string }>;
    expect(results.map((result) => `${result.code} ${result.path.join('.')}: ${result.message}`)).toEqual([]);
    expect(code).toBe(0);
  });
});
