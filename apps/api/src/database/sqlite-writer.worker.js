'use strict';
// Writes batches of rows into the embedded SQLite database off the event loop's thread. Each message is one
// transaction (the rows of one or more tables); the parent is answered only after it has committed (WAL: it
// survives a crash of the process).
const { parentPort, workerData } = require('node:worker_threads');
const Database = require('better-sqlite3');

const db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs || 2000 });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
const statements = new Map();

function statementFor(sql) {
  let statement = statements.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}

const writeAll = db.transaction((writes) => {
  for (const { sql, rows } of writes) {
    const statement = statementFor(sql);
    for (const row of rows) statement.run(row);
  }
});

parentPort.on('message', (message) => {
  if (message.type === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    writeAll(JSON.parse(message.writes));
    parentPort.postMessage({ id: message.id });
  } catch (error) {
    const code = error && typeof error.code === 'string' ? error.code : undefined;
    parentPort.postMessage({ id: message.id, error: String((error && error.message) || error), code });
  }
});
