'use strict';
// Writes batches of rows into the embedded SQLite database off the event loop's thread. Each batch is one
// transaction; the parent is answered only after it has committed (WAL: it survives a crash of the process).
const { parentPort, workerData } = require('node:worker_threads');
const Database = require('better-sqlite3');

const db = new Database(workerData.file, { timeout: 5000 });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
const statements = new Map();

parentPort.on('message', (message) => {
  if (message.type === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  const { id, sql, rows } = message;
  try {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    db.transaction(() => {
      for (const row of rows) statement.run(row);
    })();
    parentPort.postMessage({ id });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  }
});
