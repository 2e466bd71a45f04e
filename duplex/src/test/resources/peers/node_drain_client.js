#!/usr/bin/env node
// Drain peer: Node `ws` as a client of a Duplex server that is shutting down.
// usage: node node_drain_client.js URL
// Prints "open", then (once the server drains) the close it got, then the status a new connection
// attempt is answered with; exits non-zero if any step fails.
'use strict';
const path = require('path');
const WebSocket = require(process.env.NODE_WS_PATH || path.join(process.cwd(), 'node_modules', 'ws'));

const [url] = process.argv.slice(2);
const fail = (why) => { console.log('FAIL ' + why); process.exit(1); };

const first = new WebSocket(url);
first.on('open', () => console.log('open'));
first.on('error', (e) => fail('first: ' + e.message));
first.on('close', (code, reason) => {
  console.log('close ' + code + ' ' + reason.toString());
  const again = new WebSocket(url);
  again.on('open', () => fail('a new connection was accepted while draining'));
  again.on('unexpected-response', (req, res) => {
    console.log('refused ' + res.statusCode);
    res.resume();
    again.terminate();
    process.exit(0);
  });
  again.on('error', (e) => fail('second: ' + e.message));
});
