#!/usr/bin/env node
// Interop peer: a Node `ws` echo server for Duplex's client transport.
// usage: node node_server.js CERTFILE|- KEYFILE|- deflate|plain
// Prints the bound port on the first line of stdout. /echo echoes in kind; /close closes with
// 4002 "server bye" on the first message. Runs until killed.
'use strict';
const fs = require('fs');
const path = require('path');
const https = require('https');
const http = require('http');
const { WebSocketServer } = require(process.env.NODE_WS_PATH || path.join(process.cwd(), 'node_modules', 'ws'));

const [cert, key, mode] = process.argv.slice(2);
const server = cert === '-'
  ? http.createServer()
  : https.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) });
const wss = new WebSocketServer({ server, perMessageDeflate: mode === 'deflate', maxPayload: 64 << 20 });
wss.on('connection', (ws, req) => {
  ws.on('message', (data, isBinary) => {
    if (req.url === '/close') ws.close(4002, 'server bye');
    else ws.send(data, { binary: isBinary });
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
