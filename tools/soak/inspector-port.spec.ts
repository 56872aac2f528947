import { inspectorPortOf } from './soak-stack';

describe('inspectorPortOf', () => {
  it('reads the port Node chose for --inspect=127.0.0.1:0 from the log', () => {
    const log = 'Debugger listening on ws://127.0.0.1:40123/0b1c2d3e-aaaa-bbbb-cccc-123456789abc\nFor help, see: https://nodejs.org/en/docs/inspector\n';
    expect(inspectorPortOf(log)).toBe(40123);
  });

  it('throws with the log when no inspector address was printed', () => {
    expect(() => inspectorPortOf('Error: listen EADDRINUSE')).toThrow(/no inspector address.*EADDRINUSE/s);
  });
});
