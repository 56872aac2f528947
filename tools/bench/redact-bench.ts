// Redaction cost per request line: redactUrl (libs/logging) on a normal URL and on 16 KB
// adversarial ones, as every request line (404s included) pays it. Usage: npm run bench:redact
import { redactUrl } from '@tp/logging';

const ADVERSARIAL_BYTES = 16_000;
const DURATION_MS = 1000;
const fill = (unit: string, prefix = '/') => `${prefix}${unit.repeat(Math.floor((ADVERSARIAL_BYTES - prefix.length) / unit.length))}`;

const CASES: Array<[string, string]> = [
  ['normal URL', '/api/v1/upload/3f0c2a9e-1c2d-4b1d-9c3e-6a7b8c9d0e1f'],
  ['normal URL with a query token', '/docs/openapi.json?token=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhYmMifQ.c2lnbmF0dXJl&lang=en'],
  ['16 KB path of repeated eyJ', fill('eyJ')],
  ['16 KB path of eyJ + 5 chars + dot', fill('eyJaaaaa.')],
  ['16 KB of eyJ-shaped segments', fill('eyJaaaaa.bbbbb/')],
  ['16 KB query of 2-byte parameters', fill('a&', '/x?')],
  ['16 KB query of encoded names', fill('%2574oken=1&', '/x?')],
  ['16 KB run of slashes', fill('/')],
  ['16 KB userinfo-like path', fill('a@', '//')],
];

/** The pattern redactUrl used before issue 19, for comparison: it rescans from every `eyJ`. */
const JWT_SHAPE_BEFORE = /eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g;

function perCallMicroseconds(run: () => string): number {
  for (let warm = 0; warm < 200; warm += 1) run();
  let calls = 0;
  let sink = 0;
  const started = process.hrtime.bigint();
  let elapsedMs = 0;
  while (elapsedMs < DURATION_MS) {
    sink += run().length;
    calls += 1;
    elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  }
  if (sink === 0) throw new Error('nothing redacted');
  return (elapsedMs * 1000) / calls;
}

const format = (micros: number) => (micros >= 1000 ? `${(micros / 1000).toFixed(1)} ms` : `${micros.toFixed(2)} µs`);

console.log(`redactUrl per call (Node ${process.version}, ${DURATION_MS} ms per case):`);
for (const [name, url] of CASES) {
  const logged = redactUrl(url);
  console.log(`  ${name.padEnd(36)} ${String(url.length).padStart(6)} chars → ${String(logged.length).padStart(5)} logged: ${format(perCallMicroseconds(() => redactUrl(url)))}`);
}
const worst = CASES[2]![1];
console.log(`  before issue 19, JWT_SHAPE alone on the repeated-eyJ path: ${format(perCallMicroseconds(() => worst.replace(JWT_SHAPE_BEFORE, '[REDACTED]')))}`);
