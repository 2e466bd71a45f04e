#!/usr/bin/env node
// Interop peer: a Node `ws` server for Duplex's clients (transport, WebSocket, WebSocketStream).
// usage: node node_server.js CERTFILE|- KEYFILE|- deflate|plain [TOTAL SIZE]
// Prints the bound port on the first line of stdout. Paths:
//   /echo   echoes in kind;
//   /close  closes with 4002 "server bye" on the first message;
//   /flood  sends TOTAL bytes in binary messages of SIZE bytes (each starting with its 4-byte index),
//           all queued at once, and prints "BUFFERED <ms> <ws.bufferedAmount>" every 10 ms until the
//           queue is empty: what the server could not hand to its socket yet. (Node writes what
//           queued up while the socket was full in one writev, and bufferedAmount drops only when
//           that completes: it lags what the client has read by up to one such batch.)
// Runs until killed.
'use strict';
const fs = require('fs');
const path = require('path');
const https = require('https');
const http = require('http');
const { WebSocketServer } = require(process.env.NODE_WS_PATH || path.join(process.cwd(), 'node_modules', 'ws'));

const [cert, key, mode, total, size] = process.argv.slice(2);
const server = cert === '-'
  ? http.createServer()
  : https.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) });
const wss = new WebSocketServer({ server, perMessageDeflate: mode === 'deflate', maxPayload: 64 << 20 });
wss.on('connection', (ws, req) => {
  if (req.url === '/flood') {
    flood(ws, Number(total), Number(size));
    return;
  }
  ws.on('message', (data, isBinary) => {
    if (req.url === '/close') ws.close(4002, 'server bye');
    else ws.send(data, { binary: isBinary });
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));

function flood(ws, total, size) {
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
}
