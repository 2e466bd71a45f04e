// The tutorials' chat page: one browser WebSocket to the room, a text field, a send button and a
// stop button, plus the message list and the member list. The JSON messages are documented in
// duplex-app/README.md ("Chat message format"). After an abnormal close the page reconnects by
// itself (exponential backoff with full jitter, 0.5 s doubling up to 30 s) with ?since= the last
// message id it showed, so it carries on without a missing or a repeated line.
"use strict";

const params = new URLSearchParams(location.search);
const room = params.get("room") || "";
const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host
    + "/chat" + (room ? "/" + encodeURIComponent(room) : "");
const label = document.getElementById("status-label");
const textView = document.getElementById("text-view");
const nickname = document.getElementById("nickname");
const messages = document.getElementById("messages");
let socket;
let failed = false;
let lastId = null;       // the id of the last message shown
let stopping = false;    // the user pressed Stop
let attempt = 0;         // reconnects since the last welcome
let retryTimer = null;
let sent = 0;            // numbers this page's cids
const BACKOFF_MS = 500, BACKOFF_CAP_MS = 30000;

document.getElementById("room-name").textContent = room || "main room";
document.getElementById("socket-url").textContent = url;
nickname.value = params.get("name") || localStorage.getItem("duplex-nickname") || "";

function setStatus(text, kind) {
  label.textContent = text;
  label.className = "status " + (kind || "");
}

function clock(iso) {
  const t = new Date(iso);
  return isNaN(t) ? "" : t.toLocaleTimeString();
}

// Ids are "MILLIS-SEQ", increasing in the room's order.
function after(id, other) {
  const [a1, a2] = id.split("-").map(Number);
  const [b1, b2] = other.split("-").map(Number);
  return a1 > b1 || (a1 === b1 && a2 > b2);
}

function showMessage(m, history) {
  if (lastId !== null && !after(m.id, lastId)) return; // shown already
  lastId = m.id;
  addMessage(m, history);
}

function addMessage(m, history) {
  const item = document.createElement("li");
  item.className = "message" + (history ? " history" : "");
  const time = document.createElement("span");
  time.className = "time";
  time.textContent = clock(m.time);
  const from = document.createElement("span");
  from.className = "from";
  from.textContent = m.from;
  const text = document.createElement("span");
  text.className = "text";
  text.textContent = m.text;
  item.append(time, from, text);
  messages.append(item);
  item.scrollIntoView({block: "nearest"});
}

function addNotice(text) {
  const item = document.createElement("li");
  item.className = "notice";
  item.textContent = text;
  messages.append(item);
  item.scrollIntoView({block: "nearest"});
}

function showMembers(names) {
  const list = document.getElementById("members");
  list.replaceChildren(...names.map(function (name) {
    const item = document.createElement("li");
    item.textContent = name;
    return item;
  }));
  document.getElementById("member-count").textContent = names.length;
}

const handlers = {
  welcome: function (m) {
    const returning = lastId !== null;
    attempt = 0;
    nickname.value = m.you;
    showMembers(m.members);
    if (returning && !m.resumed) addNotice("Some messages may be missing here (the server no longer had them).");
    m.history.forEach(function (h) { showMessage(h, !returning); });
    addNotice(returning ? "Reconnected to " + m.room + " as " + m.you + "."
                        : "You joined " + m.room + " as " + m.you + ".");
  },
  message: function (m) { showMessage(m, false); },
  join: function (m) { if (m.members) showMembers(m.members); addNotice(m.name + " joined."); },
  leave: function (m) { if (m.members) showMembers(m.members); addNotice(m.name + " left."); },
  members: function (m) { showMembers(m.members); },
  rename: function (m) {
    if (m.members) showMembers(m.members);
    addNotice(m.from + " is now " + m.to + ".");
  },
  error: function (m) { addNotice("Server: " + m.text + (m.cid ? " (" + m.cid + ")" : "")); }
};

function connect() {
  failed = false;
  stopping = false;
  clearTimeout(retryTimer);
  if (attempt === 0) setStatus("Connecting…");
  const name = nickname.value.trim();
  const query = new URLSearchParams();
  if (name) query.set("name", name);
  if (lastId !== null) query.set("since", lastId);
  const q = query.toString();
  socket = new WebSocket(url + (q ? "?" + q : ""));

  socket.onopen = function () {
    setStatus("Connection established!", "open");
    document.getElementById("connect-button").hidden = true;
  };

  socket.onmessage = function (event) {
    const m = JSON.parse(event.data);
    (handlers[m.type] || function () {})(m);
  };

  socket.onerror = function () {
    failed = true;
    if (attempt === 0) setStatus("Error: the connection to " + url + " failed", "error");
  };

  socket.onclose = function (event) {
    showMembers([]);
    // 1005: the close frame had no code, which is how a bare close() ends.
    if (stopping || (event.wasClean && (event.code === 1000 || event.code === 1005))) {
      document.getElementById("connect-button").hidden = false;
      setStatus("Connection closed normally.", "closed");
    } else if (event.code === 1008 || event.code === 1003) {
      // refused by policy or for its data: trying again would get the same answer
      document.getElementById("connect-button").hidden = false;
      setStatus("Connection closed with message " + event.reason + " (Code: " + event.code + ")", "error");
    } else {
      reconnectLater();
    }
  };
}

// Exponential backoff with full jitter: a random wait up to 0.5 s, 1 s, 2 s … 30 s.
function reconnectLater() {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_MS * Math.pow(2, attempt));
  attempt++;
  setStatus("Reconnecting…", "error");
  retryTimer = setTimeout(connect, Math.random() * ceiling);
}

document.getElementById("send-form").onsubmit = function (event) {
  event.preventDefault();
  if (socket.readyState === WebSocket.OPEN && textView.value.trim() !== "") {
    sent++;
    socket.send(JSON.stringify({type: "message", text: textView.value, cid: "page-" + sent}));
    textView.value = "";
  }
};

document.getElementById("nickname-form").onsubmit = function (event) {
  event.preventDefault();
  const name = nickname.value.trim();
  if (name === "") return;
  localStorage.setItem("duplex-nickname", name);
  if (socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify({type: "name", name: name}));
  }
};

document.getElementById("stop-button").onclick = function () {
  clearTimeout(retryTimer);
  stopping = true;
  if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) {
    socket.close(1000);
  } else {
    document.getElementById("connect-button").hidden = false;
    setStatus("Connection closed normally.", "closed");
  }
};

document.getElementById("connect-button").onclick = function () {
  attempt = 0;
  connect();
};

connect();
