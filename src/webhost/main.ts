// `npm run web`: opens the data like the desktop app does and serves the built renderer.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { consoleLogger } from '../core/app';
import { createEnvironmentGate, defaultDataDir, machineFromEnvironment, parseEnv } from '../core/config';
import { validationError } from '../shared/errors';
import { startWebHost } from './server';

const root = resolve(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

const webEnvSchema = z.object({
  KONTOR_WEB_PORT: z.coerce.number().int('must be a whole number').min(0).max(65535).default(0),
  KONTOR_WEB_TOKEN: z.string().min(16, 'must have at least 16 characters').optional(),
  /** Browser tests: a clock they can move on (idle lock) instead of waiting in real time. */
  KONTOR_WEB_TEST_CLOCK: z.enum(['0', '1']).default('0'),
});

try {
  const parsedWeb = webEnvSchema.safeParse(process.env);
  if (!parsedWeb.success) throw validationError(parsedWeb.error, 'environment');
  const env = parseEnv(process.env);
  let offset = 0;
  const testClock = parsedWeb.data.KONTOR_WEB_TEST_CLOCK === '1';
  const gate = createEnvironmentGate({
    dataDir: env.KONTOR_DATA_DIR ?? defaultDataDir(),
    env,
    version: pkg.version,
    machine: await machineFromEnvironment(env, consoleLogger),
    licencesFile: join(root, 'out', 'licenses.json'),
    ...(testClock && { clock: { now: () => new Date(Date.now() + offset) } }),
  });
  await gate.start();
  const host = await startWebHost({
    invoker: gate,
    files: { grant: (connection, path, access) => gate.grantFile(connection, path, access) },
    logger: consoleLogger,
    rendererDir: join(root, 'out', 'renderer'),
    ...(testClock && { advanceClock: (ms: number) => void (offset += ms) }),
    port: parsedWeb.data.KONTOR_WEB_PORT,
    ...(parsedWeb.data.KONTOR_WEB_TOKEN !== undefined && { token: parsedWeb.data.KONTOR_WEB_TOKEN }),
  });
  console.log(`Kontor web host: ${host.url}`);
  const stop = async () => {
    await host.close();
    await gate.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
} catch (error) {
  console.error(`kontor web: ${(error as Error).message}`);
  process.exit(1);
}
