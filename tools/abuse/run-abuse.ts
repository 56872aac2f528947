// `npm run abuse [-- --url http://127.0.0.1:4000]`: a bounded abuse run (slowloris, health flood,
// anonymous-upload flood, regex URL flood, trickling uploads from one account, an IPv6 /64 sweep, an
// over-cap chunked body), each with a fixed count and time, against a stack it starts itself on free
// loopback ports, or against the given edge, which must be on loopback (the account probe needs the own stack).
import { parseArgs } from 'node:util';
import { startAbuseStack, type AbuseStack } from './abuse-stack';
import { anonymousUpload, countBy, flood, healthCall, slowloris } from './attacks';
import { ADVERSARIAL_URLS, regexFloodLines, regexUrlFlood } from './regex-url-flood';
import { floodLine, ms, p50AndMax, probeLine, statuses } from './report-lines';
import { ipv6Sweep, overCapChunked, trickleFlood } from './upload-attacks';

const { values } = parseArgs({ options: { url: { type: 'string' } } });

const SLOW_BODY_CLIENTS = 300;
const SLOW_HEADER_CLIENTS = 100;
const SLOWLORIS_MAX_MS = 40_000;
const HEALTH_CONCURRENCY = 50;
const HEALTH_WAVES = 4;
const UPLOADS = 60;
const UPLOAD_BYTES = 64 * 1024;
const TRICKLES = 300;
const TRICKLES_PER_SECOND = 50;
const TRICKLE_MAX_MS = 45_000;
const SWEEP_ADDRESSES = 60;
const OVER_CAP_MAX_BYTES = 64 * 1024 * 1024;
const REGEX_URLS = 2000;
const REGEX_CONCURRENCY = 20;

const say = (line: string) => process.stdout.write(`${line}\n`);

function loopbackOnly(url: string): string {
  const { hostname } = new URL(url);
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(hostname)) {
    process.stderr.write(`refusing ${url}: the abuse run only targets loopback\n`);
    process.exit(1);
  }
  return url.replace(/(?<!\/)\/+$/, '');
}

async function run(edgeUrl: string, stack: AbuseStack | undefined): Promise<void> {
  say(`\n1. slowloris: ${SLOW_BODY_CLIENTS} clients trickle a webhook body (1 byte / 2 s of 1000), ${SLOW_HEADER_CLIENTS} trickle headers; each gives up after ${SLOWLORIS_MAX_MS / 1000} s`);
  const slow = await slowloris(edgeUrl, SLOW_BODY_CLIENTS, SLOW_HEADER_CLIENTS, SLOWLORIS_MAX_MS);
  const cut = (outcomes: typeof slow.bodies) => outcomes.filter((outcome) => outcome.elapsedMs < SLOWLORIS_MAX_MS - 500);
  const times = (outcomes: typeof slow.bodies) => outcomes.map((outcome) => outcome.elapsedMs);
  const cutLine = (outcomes: typeof slow.bodies, clients: number) =>
    `${statuses(countStatus(outcomes))}; cut by the edge ${cut(outcomes).length}/${clients}, after ${p50AndMax(times(outcomes))}`;
  say(`   slow bodies:   ${cutLine(slow.bodies, SLOW_BODY_CLIENTS)}`);
  say(`   slow headers:  ${cutLine(slow.headers, SLOW_HEADER_CLIENTS)}`);
  say(`   ${probeLine('GET /api/v1/flags every 200 ms', slow.probe)}`);

  say(`\n2. health flood: ${HEALTH_WAVES} waves of ${HEALTH_CONCURRENCY} concurrent GET /health/detailed from one IP`);
  const before = stack?.jwksDownloads?.();
  const health = await flood(healthCall(edgeUrl), HEALTH_CONCURRENCY, HEALTH_WAVES);
  say(`   ${floodLine('answers', health)}`);
  if (before !== undefined && stack?.jwksDownloads) {
    say(`   JWKS downloads by the edge for ${HEALTH_CONCURRENCY * HEALTH_WAVES} calls: ${stack.jwksDownloads() - before}`);
  }

  say(`\n3. anonymous upload flood: ${UPLOADS} uploads of ${UPLOAD_BYTES / 1024} KB from one client, 10 at a time`);
  const uploads = await flood(anonymousUpload(edgeUrl, UPLOAD_BYTES), 10, UPLOADS / 10);
  say(`   ${floodLine('answers', uploads)} (201 = stored)`);

  say(`\nregex URL flood: ${REGEX_URLS} requests of 16 KB adversarial URLs (${ADVERSARIAL_URLS.length} shapes: repeated eyJ, JWT-shaped segments, 8000 parameters), ${REGEX_CONCURRENCY} at a time from one client`);
  for (const line of regexFloodLines(await regexUrlFlood(edgeUrl, REGEX_URLS, REGEX_CONCURRENCY), REGEX_URLS)) say(line);

  await uploadProbes(edgeUrl, stack);
}

async function uploadProbes(edgeUrl: string, stack: AbuseStack | undefined): Promise<void> {
  const flags = `${edgeUrl}/api/v1/flags`;
  if (stack?.tokenFor) {
    say(`\n4. trickling uploads: ${TRICKLES} uploads from one FREE account, ${TRICKLES_PER_SECOND} opened a second, each sending 1 byte / 2 s (given up after ${TRICKLE_MAX_MS / 1000} s)`);
    const [free, premium] = await Promise.all([stack.tokenFor('free@example.com'), stack.tokenFor('premium@example.com')]);
    const seed = new FormData();
    seed.append('file', new Blob([Buffer.alloc(1024, 0x61)]), 'mine.txt');
    const stored = (await (await fetch(`${edgeUrl}/api/v1/upload`, { method: 'POST', body: seed, headers: { authorization: `Bearer ${premium}` } })).json()) as { files: Array<{ id: string }> };
    const statusUrl = `${edgeUrl}/api/v1/upload/${stored.files[0]!.id}`;
    const trickles = await trickleFlood(edgeUrl, free, TRICKLES, TRICKLES_PER_SECOND, TRICKLE_MAX_MS, statusUrl, premium);
    say(`   uploads ended by: ${statuses(trickles.outcomes)}; the last after ${ms(trickles.slowestMs)}`);
    say(`   ${probeLine('a PREMIUM user reads its upload status every 1 s', trickles.probe)}`);
  } else {
    say('\n4. trickling uploads: skipped (needs the own stack for account tokens)');
  }

  say(`\n5. IPv6 /64 sweep: ${SWEEP_ADDRESSES} anonymous uploads of 1 KB, each from another address of 2001:db8:5eed:1::/64 (named in X-Forwarded-For by a trusted proxy)`);
  const sweep = await ipv6Sweep(edgeUrl, SWEEP_ADDRESSES, flags);
  const firstRefusal = sweep.statuses.indexOf(429);
  say(`   answers: ${statuses(countBy(sweep.statuses, String))}; first 429 at upload ${firstRefusal === -1 ? 'never' : firstRefusal + 1} (the /64 is one client)`);
  say(`   ${probeLine('GET /api/v1/flags every 500 ms', sweep.probe)}`);

  say(`\n6. over-cap chunked body: one anonymous chunked upload of preamble only (no part ever), as fast as it goes, up to ${OVER_CAP_MAX_BYTES / 1024 / 1024} MB`);
  const overCap = await overCapChunked(edgeUrl, OVER_CAP_MAX_BYTES, flags);
  say(`   answer ${overCap.status} after ${(overCap.bytesSent / 1024 / 1024).toFixed(1)} MB sent, ${ms(overCap.elapsedMs)}`);
  say(`   ${probeLine('GET /api/v1/flags every 200 ms', overCap.probe)}`);
}

/** A slow client's answer; 0 is a connection the edge closed without one. */
const countStatus = (outcomes: Array<{ status: number }>) => countBy(outcomes, (outcome) => (outcome.status === 0 ? 'closed' : String(outcome.status)));

async function main(): Promise<void> {
  const stack = values.url ? undefined : await startAbuseStack(say);
  const edgeUrl = values.url ? loopbackOnly(values.url) : stack!.edgeUrl;
  say(`abuse run against ${edgeUrl}${stack ? ' (own stack, production defaults)' : ''}`);
  try {
    await run(edgeUrl, stack);
  } finally {
    await stack?.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`abuse run failed: ${String(err)}\n`);
    process.exit(1);
  },
);
