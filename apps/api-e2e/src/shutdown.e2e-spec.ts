import { connect, type Socket } from 'node:net';
import { startBuiltApi, type StartedApi } from './support/built-api';

describe('stopping the built API (SIGTERM)', () => {
  let api: StartedApi;
  let socket: Socket | undefined;

  beforeAll(async () => {
    api = await startBuiltApi(90_000, { SHUTDOWN_GRACE_SECONDS: '2' });
  }, 120_000);

  afterAll(async () => {
    socket?.destroy();
    await api?.stop();
  });

  it('does not hang on a client that stalls mid-request: busy connections are cut after SHUTDOWN_GRACE_SECONDS', async () => {
    const { port } = new URL(api.baseUrl);
    socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket!.once('connect', resolve).once('error', reject));
    // A request whose body never finishes arriving (a stalled or slow-loris client): the connection stays busy,
    // which a plain close waits for without end.
    socket.write(
      'POST /auth/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n' +
        'Content-Length: 1000\r\n\r\ngrant_type=',
    );
    await new Promise((resolve) => setTimeout(resolve, 500));

    const started = Date.now();
    process.kill(api.pid, 'SIGTERM');
    expect(await api.exited(20_000)).toBe(true);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(1_500);
    expect(took).toBeLessThan(12_000);
  });
});
