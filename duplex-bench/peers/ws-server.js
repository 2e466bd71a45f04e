// Node `ws` benchmark peer: echo (default) or broadcast (--mode broadcast), compression off,
// maxPayload above the largest workload. GET /stats answers {rss, heapUsed, external} after a
// full GC (run node with --expose-gc) for the idle-connections workload.
'use strict';
const http = require('http');
const { WebSocketServer } = require('ws');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
};
const port = Number(arg('--port', '0'));
const broadcast = arg('--mode', 'echo') === 'broadcast';

const server = http.createServer((req, res) => {
  if (req.url === '/stats') {
    if (global.gc) global.gc();
    const m = process.memoryUsage();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, external: m.external }));
    return;
  }
  res.writeHead(404);
  res.end();
});
const wss = new WebSocketServer({ server, perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
wss.on('connection', (ws) => {
  ws.on('error', () => {});
  if (broadcast) {
    ws.on('message', (data, isBinary) => {
      for (const c of wss.clients) c.send(data, { binary: isBinary });
    });
  } else {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  }
});
server.listen(port, '127.0.0.1', 4096, () => {
  console.log('LISTENING ' + server.address().port);
});
