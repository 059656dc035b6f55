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
  process.stdout.write(
    `CCRI SMART on FHIR API listening on ${config.publicUrl} (FHIR ${config.publicUrl}/fhir, docs ${config.publicUrl}/api/docs, dashboard ${config.publicUrl}/admin)\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`Start-up failed: ${(e as Error)?.message ?? String(e)}\n`);
  process.exit(1);
});
