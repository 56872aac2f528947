import { join } from 'node:path';

/** The repository root (deploy/tests/support → ../../..). */
export const REPO_ROOT = join(__dirname, '..', '..', '..');
