// The benchmark's baseline target: a bare node:http server answering every request with one fixed JSON body.
// Its numbers are the ceiling the real API's scenarios are read against on the same machine.
import { createServer } from 'node:http';

const body = JSON.stringify({ status: 'ok', service: 'baseline' });
const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };

createServer((req, res) => {
  res.writeHead(200, headers);
  res.end(body);
}).listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
