// Interop peer: a Node `ws` server for Duplex's client tests.
// usage: node node_server.js deflate|plain [CERT KEY]   (NODE_PATH must find `ws`)
// Prints "PORT <n>" once listening on 127.0.0.1 (TLS when CERT and KEY are given). Paths:
// /echo echoes every message in kind; /close closes with 4002 "node bye" on the first message.
// Exits when stdin closes.
'use strict';
const fs = require('fs');
const http = require('http');
const https = require('https');
const { WebSocketServer } = require('ws');

const deflate = process.argv[2] === 'deflate';
const server = process.argv.length > 4
  ? https.createServer({ cert: fs.readFileSync(process.argv[3]), key: fs.readFileSync(process.argv[4]) })
  : http.createServer();
const wss = new WebSocketServer({ server, perMessageDeflate: deflate, maxPayload: 0 });
wss.on('connection', (ws, req) => {
  ws.on('message', (data, isBinary) => {
    if (req.url === '/close') {
      ws.close(4002, 'node bye');
    } else {
      ws.send(data, { binary: isBinary });
    }
  });
});
server.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
