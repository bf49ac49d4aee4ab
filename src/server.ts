import { loadConfig, restrictFileModes, sessionSecretFor } from './config.js';
import { openDatabase } from './db/index.js';
import { buildApp } from './app.js';
import { prepareForStart, UnsafeSettingError } from './startup.js';

// Reads config, opens the database, listens, and shuts down gracefully. Nothing else.
// Everything this process creates (database, its -wal/-shm, backups, session secret) is for its own account only.
restrictFileModes();
let config;
try {
  config = loadConfig();
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
const database = await openDatabase(config.DATABASE_PATH);
try {
  const { demo, warnings } = await prepareForStart(config, database.db);
  for (const w of warnings) console.warn(w);
  if (demo) {
    console.log('デモ用の市を作成しました。次の利用者でログインできます（パスワードはすべて mimamori-demo）:');
    for (const u of demo.users) console.log(`  ${u.login}  （${u.description}）`);
  }
} catch (e) {
  database.sqlite.close();
  if (e instanceof UnsafeSettingError) {
    console.error(`起動しませんでした: ${e.message}`);
    process.exit(1);
  }
  throw e;
}
const app = await buildApp({ config, database, sessionSecret: sessionSecretFor(config), logger: true });
await app.listen({ port: config.PORT, host: config.HOST });
console.log(`みまもり: http://${config.HOST}:${config.PORT}/ で待ち受けています（データベース: ${config.DATABASE_PATH}）`);

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    app
      .close()
      .then(() => database.sqlite.close())
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  });
}
