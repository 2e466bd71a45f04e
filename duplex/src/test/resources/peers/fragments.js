#!/usr/bin/env node
// Interop peer for the shipped defaults: Node `ws` streaming big messages in small fragments.
// usage: node fragments.js client URL   sends 4 MiB text and 4 MiB binary in 1 KiB fragments to an
//                                      echo server and checks what comes back
//        node fragments.js server       listens on a free port (prints "PORT n"); to each client it
//                                      sends 4 MiB binary in 1 KiB fragments, then 32 MiB binary in
//                                      one message, then waits for the client to close
// Contents are pattern(n, seed)[i] = (i * seed + (i >> 10)) & 0xff, so the other side can check them.
'use strict';
const path = require('path');
const crypto = require('crypto');
const WebSocket = require(process.env.NODE_WS_PATH || path.join(process.cwd(), 'node_modules', 'ws'));

const FRAGMENT = 1024;
const MIB = 1 << 20;

function pattern(n, seed) {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * seed + (i >> 10)) & 0xff;
  return b;
}

function textOf(n) {
  const unit = 'fragments é ü ß — ';
  return Buffer.from(unit.repeat(Math.ceil(n / unit.length) + 1), 'utf8').subarray(0, n).toString('utf8')
    .replace(/\uFFFD+$/, '');
}

function sendInFragments(ws, data, binary) {
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8');
  for (let off = 0; off < bytes.length; off += FRAGMENT) {
    const end = Math.min(off + FRAGMENT, bytes.length);
    // Node ws sends each call as one frame; fin only on the last one.
    ws.send(bytes.subarray(off, end), { binary, fin: end === bytes.length, compress: false });
  }
}

const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');

function fail(what) { console.log('FAIL ' + what); process.exit(1); }

async function client(url) {
  const ws = new WebSocket(url, { maxPayload: 64 * MIB, perMessageDeflate: false });
  const inbox = [];
  const waiters = [];
  ws.on('message', (data, isBinary) => {
    const m = { data, isBinary };
    if (waiters.length) waiters.shift()(m); else inbox.push(m);
  });
  const recv = () => new Promise((res) => inbox.length ? res(inbox.shift()) : waiters.push(res));
  const closed = new Promise((res) => ws.on('close', (code) => res(code)));
  await new Promise((res, rej) => { ws.on('open', res); ws.on('error', rej); });
  const text = textOf(4 * MIB);
  sendInFragments(ws, text, false);
  let m = await recv();
  if (m.isBinary || m.data.toString('utf8') !== text) fail('4 MiB text in 1 KiB fragments: echo differs');
  console.log('text ok ' + Buffer.byteLength(text) + ' bytes in ' + Math.ceil(Buffer.byteLength(text) / FRAGMENT) + ' fragments');
  const bin = pattern(4 * MIB, 7);
  sendInFragments(ws, bin, true);
  m = await recv();
  if (!m.isBinary || sha(m.data) !== sha(bin)) fail('4 MiB binary in 1 KiB fragments: echo differs');
  console.log('binary ok ' + bin.length + ' bytes in ' + bin.length / FRAGMENT + ' fragments');
  ws.close(1000, 'done');
  const code = await closed;
  if (code !== 1000) fail('close ' + code);
  console.log('ALL OK');
}

function server() {
  const wss = new WebSocket.Server({ host: '127.0.0.1', port: 0, perMessageDeflate: false }, () => {
    console.log('PORT ' + wss.address().port);
  });
  wss.on('connection', (ws) => {
    sendInFragments(ws, pattern(4 * MIB, 7), true);
    ws.send(pattern(32 * MIB, 13), { binary: true });
    ws.on('close', (code) => { console.log('closed ' + code); wss.close(); });
  });
}

const [mode, url] = process.argv.slice(2);
if (mode === 'client') client(url).catch((e) => fail(e && e.stack || e));
else if (mode === 'server') server();
else fail('usage: fragments.js client URL | server');
