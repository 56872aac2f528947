import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `npm run mutation`: Stryker, then the mutation score of every mutated file from its JSON
 * report. Fails when Stryker fails or any file scores below BREAK: Stryker's own `break` is one
 * score over all files, so a weak file would hide behind strong ones.
 */
const BREAK = 90;
const root = join(__dirname, '../..');
const reportFile = join(root, 'reports/mutation/mutation.json');

interface MutantResult {
  status: string;
}
interface Report {
  files: Record<string, { mutants: MutantResult[] }>;
}

// Detected: some test failed (or the mutant hung). Missed: every test passed, or none ran it.
const DETECTED = new Set(['Killed', 'Timeout']);
const MISSED = new Set(['Survived', 'NoCoverage']);

export interface FileScore {
  file: string;
  detected: number;
  survived: number;
  noCoverage: number;
  score: number;
}

/** Stryker's mutation score per file: detected / (detected + missed); ignored and invalid mutants do not count. */
export function fileScores(report: Report): FileScore[] {
  return Object.entries(report.files)
    .map(([file, { mutants }]) => {
      const count = (statuses: Set<string>) => mutants.filter((mutant) => statuses.has(mutant.status)).length;
      const detected = count(DETECTED);
      const missed = count(MISSED);
      const survived = mutants.filter((mutant) => mutant.status === 'Survived').length;
      return { file, detected, survived, noCoverage: missed - survived, score: missed + detected === 0 ? 100 : (100 * detected) / (detected + missed) };
    })
    .sort((a, b) => a.score - b.score || a.file.localeCompare(b.file));
}

function printTable(scores: FileScore[]): void {
  const width = Math.max(...scores.map((row) => row.file.length), 4);
  console.log(`\n${'file'.padEnd(width)}  score  killed  survived  no coverage`);
  for (const row of scores) {
    const mark = row.score < BREAK ? `  < ${BREAK} %` : '';
    console.log(
      `${row.file.padEnd(width)}  ${row.score.toFixed(1).padStart(5)}  ${String(row.detected).padStart(6)}  ${String(row.survived).padStart(8)}  ${String(row.noCoverage).padStart(11)}${mark}`,
    );
  }
}

function main(): number {
  rmSync(reportFile, { force: true });
  const stryker = spawnSync(join(root, 'node_modules/.bin/stryker'), ['run', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  if (!existsSync(reportFile)) {
    console.error(`Stryker wrote no report (${reportFile}); exit ${stryker.status ?? stryker.signal}`);
    return 1;
  }
  const scores = fileScores(JSON.parse(readFileSync(reportFile, 'utf8')) as Report);
  printTable(scores);
  const weak = scores.filter((row) => row.score < BREAK);
  if (weak.length > 0) console.error(`\n${weak.length} file(s) below ${BREAK} %: ${weak.map((row) => row.file).join(', ')}`);
  else console.log(`\nEvery file at or above ${BREAK} %.`);
  return stryker.status === 0 && weak.length === 0 ? 0 : 1;
}

if (require.main === module) process.exitCode = main();
