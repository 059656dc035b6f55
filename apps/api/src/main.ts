import { createApp } from './app.factory';
import { ConfigError } from './config/app-config';

async function main(): Promise<void> {
  let created;
  try {
    created = await createApp();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const { app, config } = created;
  await app.listen({ port: config.port, host: config.host });
  // On SIGTERM/SIGINT Nest closes the app, and Fastify waits for every busy connection: a client that stops reading
  // its response would hold the stop until Node's own timeouts. After the grace period those connections are cut.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      const server = app.getHttpServer() as { closeAllConnections?: () => void };
      setTimeout(() => server.closeAllConnections?.(), config.shutdownGraceSeconds * 1000).unref();
    });
  }
  process.stdout.write(
    `CCRI SMART on FHIR API listening on ${config.publicUrl} (FHIR ${config.publicUrl}/fhir, docs ${config.publicUrl}/api/docs, dashboard ${config.publicUrl}/admin)\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`Start-up failed: ${(e as Error)?.message ?? String(e)}\n`);
  process.exit(1);
});
