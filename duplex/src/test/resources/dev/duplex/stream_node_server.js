// Stream-test peer: a Node `ws` server for WebSocketStream's tests.
// usage: node stream_node_server.js TOTAL SIZE   (NODE_PATH must find `ws`)
// Prints "PORT <n>" once listening on 127.0.0.1. Paths:
//   /echo   echoes every message in kind;
//   /flood  sends TOTAL bytes in binary messages of SIZE bytes (each starting with its 4-byte index),
//           all queued at once, and prints "BUFFERED <ms> <ws.bufferedAmount>" every 10 ms until the
//           queue is empty: what the server could not hand to its socket yet. (Node writes what
//           queued up while the socket was full in one writev, and bufferedAmount drops only when
//           that completes: it lags what the client has read by up to one such batch.)
// Exits when stdin closes.
'use strict';
const http = require('http');
const { WebSocketServer } = require('ws');

const total = Number(process.argv[2]);
const size = Number(process.argv[3]);
const server = http.createServer();
const wss = new WebSocketServer({ server, perMessageDeflate: false, maxPayload: 0 });
wss.on('connection', (ws, req) => {
  if (req.url === '/flood') {
    const start = Date.now();
    const count = Math.floor(total / size);
    for (let i = 0; i < count; i++) {
      const b = Buffer.alloc(size);
      b.writeUInt32BE(i, 0);
      ws.send(b, { binary: true });
    }
    const timer = setInterval(() => {
      console.log('BUFFERED ' + (Date.now() - start) + ' ' + ws.bufferedAmount);
      if (ws.bufferedAmount === 0) {
        clearInterval(timer);
      }
    }, 10);
    ws.on('close', () => clearInterval(timer));
  } else {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  }
});
server.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
