#!/usr/bin/env node
// Interop peer: Node `ws` as a client of a Duplex server.
// usage: node node_client.js BASE_URL CAFILE|- deflate|plain
// Same scenario as python_client.py; prints one line per check, exits non-zero on failure.
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const WebSocket = require(process.env.NODE_WS_PATH || path.join(process.cwd(), 'node_modules', 'ws'));

const [base, cafile, mode] = process.argv.slice(2);
const SIZES = [0, 1, 125, 126, 127, 65535, 65536, 1 << 20];
const BIG = 16 << 20;

function textOf(n) {
  const unit = 'duplex é ü ß — ';
  return unit.repeat(Math.floor(n / unit.length) + 1).slice(0, n);
}

function bytesOf(n, seed) {
  const b = Buffer.alloc(n);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) >>> 0; b[i] = x >>> 24; }
  return b;
}

function open(p) {
  const opts = { perMessageDeflate: mode === 'deflate', maxPayload: 64 << 20 };
  if (cafile !== '-') opts.ca = fs.readFileSync(cafile);
  const ws = new WebSocket(base + p, opts);
  const inbox = [];
  const waiters = [];
  ws.on('message', (data, isBinary) => {
    const m = { data: isBinary ? data : data.toString('utf8'), isBinary };
    if (waiters.length) waiters.shift()(m); else inbox.push(m);
  });
  const recv = () => new Promise((res) => inbox.length ? res(inbox.shift()) : waiters.push(res));
  const closed = new Promise((res) => ws.on('close', (code, reason) => res({ code, reason: reason.toString() })));
  const opened = new Promise((res, rej) => { ws.on('open', res); ws.on('error', rej); });
  return { ws, recv, closed, opened };
}

function check(cond, what) {
  if (!cond) { console.log('FAIL ' + what); process.exit(1); }
}

async function main() {
  const c = open('/echo');
  await c.opened;
  const ext = c.ws.extensions || '';
  console.log('extensions: ' + (ext || '-'));
  check(mode !== 'deflate' || ext.includes('permessage-deflate'), 'deflate negotiated');
  check(mode === 'deflate' || !ext, 'no extension');
  for (const n of SIZES) {
    const t = textOf(n);
    c.ws.send(t);
    let m = await c.recv();
    check(!m.isBinary && m.data === t, 'text echo ' + n);
    const b = bytesOf(n, n);
    c.ws.send(b);
    m = await c.recv();
    check(m.isBinary && Buffer.compare(m.data, b) === 0, 'binary echo ' + n);
    console.log('echo ok ' + n);
  }
  const big = bytesOf(BIG, 16);
  c.ws.send(big);
  let m = await c.recv();
  check(crypto.createHash('sha256').update(m.data).digest('hex') === crypto.createHash('sha256').update(big).digest('hex'), '16 MiB echo');
  console.log('echo ok ' + BIG);
  // fragmented input (RFC 6455 5.4)
  c.ws.send('frag', { fin: false });
  c.ws.send('mented ', { fin: false });
  c.ws.send('wörld', { fin: true });
  m = await c.recv();
  check(m.data === 'fragmented wörld', 'fragmented text');
  c.ws.send(Buffer.from([0, 1]), { binary: true, fin: false });
  c.ws.send(Buffer.alloc(70000, 2), { binary: true, fin: true });
  m = await c.recv();
  check(m.isBinary && m.data.length === 70002 && m.data[1] === 1 && m.data[70001] === 2, 'fragmented binary');
  console.log('fragments ok');
  await new Promise((res) => { c.ws.once('pong', (d) => res(d)); c.ws.ping('are you there'); });
  console.log('ping ok');
  c.ws.close(4001, 'bye');
  const cl = await c.closed;
  // RFC 6455 5.5.1: the echo carries the code; the reason need not be echoed
  check(cl.code === 4001, 'close echo ' + cl.code + ' ' + cl.reason);
  console.log('client close ok');

  const d = open('/close');
  await d.opened;
  d.ws.send('close me');
  const sc = await d.closed;
  check(sc.code === 4002 && sc.reason === 'server bye', 'server close ' + sc.code + ' ' + sc.reason);
  console.log('server close ok');
  console.log('ALL OK');
}

main().catch((e) => { console.log('FAIL ' + (e && e.stack || e)); process.exit(1); });
