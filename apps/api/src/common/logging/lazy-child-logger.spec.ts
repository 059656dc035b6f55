import { Writable } from 'node:stream';
import pino from 'pino';
import { lazyChildLoggerFactory } from './logger';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  const logger = pino({ level }, stream);
  return { logger, lines };
}

describe('lazyChildLoggerFactory', () => {
  it('makes no pino child for a request that logs nothing, or only below the level', () => {
    const { logger, lines } = capture('warn');
    const child = jest.spyOn(logger, 'child');
    const requestLog = lazyChildLoggerFactory(logger as never, { reqId: 'r-1' }, {});
    requestLog.info('dropped');
    requestLog.debug('dropped');
    expect(child).not.toHaveBeenCalled();
    expect(lines).toHaveLength(0);
    expect(requestLog.level).toBe('warn');
  });

  it('logs with the request binding once something is logged at an enabled level', async () => {
    const { logger, lines } = capture('info');
    const requestLog = lazyChildLoggerFactory(logger as never, { reqId: 'r-2' }, {});
    requestLog.warn({ path: '/fhir/Patient' }, 'slow');
    requestLog.error('failed');
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => [l.reqId, l.msg])).toEqual([
      ['r-2', 'slow'],
      ['r-2', 'failed'],
    ]);
    expect(lines[0].path).toBe('/fhir/Patient');
  });

  it('honours a route log level passed in the child options', async () => {
    const { logger, lines } = capture('warn');
    const requestLog = lazyChildLoggerFactory(logger as never, { reqId: 'r-3' }, { level: 'debug' });
    requestLog.debug('kept');
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => l.msg)).toEqual(['kept']);
  });
});
