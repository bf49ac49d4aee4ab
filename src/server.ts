import { loadConfig, sessionSecretFor } from './config.js';
import { openDatabase } from './db/index.js';
import { buildApp } from './app.js';
import { ensureDemoCity } from './demo/demoCity.js';

// Reads config, opens the database, listens, and shuts down gracefully. Nothing else.
const config = loadConfig();
if (config.NODE_ENV === 'production' && config.TRUST_PROXY !== 'true') {
  console.warn('注意: NODE_ENV=production ではセッションの Cookie は HTTPS でのみ送られます。HTTPS の リバースプロキシの後ろで TRUST_PROXY=true として動かしてください。');
}
const database = await openDatabase(config.DATABASE_PATH);
if (config.MIMAMORI_DEMO === 'on') {
  const created = await ensureDemoCity(database.db);
  if (created) {
    console.log('デモ用の市を作成しました。次の利用者でログインできます（パスワードはすべて mimamori-demo）:');
    for (const u of created.users) console.log(`  ${u.login}  （${u.description}）`);
  }
}
const app = await buildApp({ config, database, sessionSecret: sessionSecretFor(config), logger: config.NODE_ENV === 'production' });
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
