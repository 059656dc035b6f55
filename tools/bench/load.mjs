// One autocannon measurement in a process of its own (forked by run.mjs), so every measurement's load generator
// starts in the same state: the benchmark's own process holds the ingest's garbage and tens of thousands of
// pre-signed client assertions, and V8's heap decisions made there (pretenuring, heap growth) slowed its load
// generation by as much as a quarter in later scenarios, as the API's and the ceiling's alike.
//
// Receives one message `{ request, connections, duration, bodies? }`; with `bodies`, each request takes the next one
// (a client assertion, an authorization code or a refresh token can be used once) and no body is ever sent twice:
// at most `bodies.length` requests are made. Should they run out before `duration`, the result says so (`ranOut`)
// and its rate is the completed requests over the time from the first request to the last answer, not autocannon's
// per-second average (whose last second would be partly idle). Answers with the result and exits.
import autocannon from 'autocannon';

process.once('message', async ({ request, connections, duration, bodies }) => {
  let next = 0;
  // autocannon shares maxOverallRequests among the connections; one left with none would have no limit at all.
  const options = { ...request, connections: bodies ? Math.min(connections, bodies.length) : connections, duration };
  let startedAt = 0;
  let lastAnswerAt = 0;
  if (bodies) {
    options.requests = [{ setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length] }) }];
    options.maxOverallRequests = bodies.length;
  }
  const instance = autocannon(options);
  if (bodies) {
    instance.once('start', () => (startedAt = performance.now()));
    instance.on('response', () => (lastAnswerAt = performance.now()));
  }
  const result = await instance;
  const ranOut = Boolean(bodies) && next >= bodies.length;
  const seconds = (lastAnswerAt - startedAt) / 1000;
  process.send(
    {
      requestsPerSecond: Math.round(ranOut && seconds > 0 ? result.requests.total / seconds : result.requests.average),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
      ...(bodies ? { bodies: bodies.length, ranOut, ...(ranOut ? { ranOutAfterSeconds: seconds } : {}) } : {}),
    },
    () => process.exit(0),
  );
});
