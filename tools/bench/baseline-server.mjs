// The benchmark's ceiling: a bare node:http server answering every request with one fixed body — by default a
// small JSON document, or BASELINE_BODY with BASELINE_CONTENT_TYPE, the same bytes an API scenario returned.
import { createServer } from 'node:http';

const body = process.env.BASELINE_BODY ?? JSON.stringify({ status: 'ok', service: 'baseline' });
const headers = {
  'content-type': process.env.BASELINE_CONTENT_TYPE ?? 'application/json',
  'content-length': Buffer.byteLength(body),
};

createServer((req, res) => {
  req.resume();
  res.writeHead(200, headers);
  res.end(body);
}).listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
