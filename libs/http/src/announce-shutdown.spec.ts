import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { PROCESS_SHUTDOWN_CHANNEL, type ShutdownMessage } from '@tp/config';
import { announceShutdown } from './announce-shutdown';

describe('announceShutdown', () => {
  let subscriber: ((message: unknown) => void) | undefined;
  afterEach(() => {
    if (subscriber) unsubscribe(PROCESS_SHUTDOWN_CHANNEL, subscriber);
    subscriber = undefined;
  });
  const onShutdown = (work: () => Promise<unknown>) => {
    subscriber = (message) => (message as ShutdownMessage).waitFor(work());
    subscribe(PROCESS_SHUTDOWN_CHANNEL, subscriber);
  };

  it("waits for a subscriber's work before it resolves", async () => {
    let flushed = false;
    onShutdown(() => new Promise<void>((resolve) => setTimeout(() => resolve(void (flushed = true)), 50)));
    await announceShutdown(5000);
    expect(flushed).toBe(true);
  });

  it('gives up on a subscriber that never finishes once the timeout passes', async () => {
    onShutdown(() => new Promise(() => undefined));
    const started = performance.now();
    await announceShutdown(100);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
