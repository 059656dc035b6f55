// One autocannon measurement in a process of its own (forked by run.mjs), so every measurement's load generator
// starts in the same state: the benchmark's own process holds the ingest's garbage and tens of thousands of
// pre-signed client assertions, and V8's heap decisions made there (pretenuring, heap growth) slowed its load
// generation by as much as a quarter in later scenarios, as the API's and the ceiling's alike.
//
// Receives one message `{ request, connections, duration, bodies? }`; with `bodies`, each request takes the next one
// (a client assertion can be used once). Answers with autocannon's result and exits.
import autocannon from 'autocannon';

process.once('message', async ({ request, connections, duration, bodies }) => {
  let next = 0;
  const options = { ...request, connections, duration };
  if (bodies) options.requests = [{ setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length] }) }];
  const result = await autocannon(options);
  process.send(
    {
      requestsPerSecond: Math.round(result.requests.average),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
    },
    () => process.exit(0),
  );
});
