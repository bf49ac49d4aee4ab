/**
 * The real app as its own process, for the crash test: the same config,
 * database opening (pragmas, migrations) and app as src/server.ts. Only the
 * password hashing cost differs — at OWASP cost, twenty sign-ins plus their
 * hash upgrades take minutes on a busy CI machine, and the app (rightly) has
 * no setting to lower it.
 */
import { loadConfig, sessionSecretFor } from '../../../src/config.js';
import { openDatabase } from '../../../src/db/index.js';
import { buildApp } from '../../../src/app.js';
import { TEST_SCRYPT } from '../../support/app.js';

const config = loadConfig();
const database = await openDatabase(config.DATABASE_PATH);
const app = await buildApp({ config, database, sessionSecret: sessionSecretFor(config), passwordParams: TEST_SCRYPT });
await app.listen({ port: config.PORT, host: config.HOST });
console.log(`listening on http://${config.HOST}:${config.PORT}/`);
