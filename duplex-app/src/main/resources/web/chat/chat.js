// The tutorials' chat page: one browser WebSocket to the room, a text field, a send button and a
// stop button, plus the message list and the member list. The JSON messages are documented in
// duplex-app/README.md ("Chat message format").
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
    nickname.value = m.you;
    showMembers(m.members);
    m.history.forEach(function (h) { addMessage(h, true); });
    addNotice("You joined " + m.room + " as " + m.you + ".");
  },
  message: function (m) { addMessage(m, false); },
  join: function (m) { showMembers(m.members); addNotice(m.name + " joined."); },
  leave: function (m) { showMembers(m.members); addNotice(m.name + " left."); },
  rename: function (m) {
    showMembers(m.members);
    addNotice(m.from + " is now " + m.to + ".");
  },
  error: function (m) { addNotice("Server: " + m.text); }
};

function connect() {
  failed = false;
  setStatus("Connecting…");
  const name = nickname.value.trim();
  socket = new WebSocket(url + (name ? "?name=" + encodeURIComponent(name) : ""));

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
    setStatus("Error: the connection to " + url + " failed", "error");
  };

  socket.onclose = function (event) {
    document.getElementById("connect-button").hidden = false;
    showMembers([]);
    // 1005: the close frame had no code, which is how a bare close() ends.
    if (event.wasClean && (event.code === 1000 || event.code === 1005)) {
      setStatus("Connection closed normally.", "closed");
    } else if (!failed) {
      setStatus("Connection closed with message " + event.reason + " (Code: " + event.code + ")", "error");
    }
  };
}

document.getElementById("send-form").onsubmit = function (event) {
  event.preventDefault();
  if (socket.readyState === WebSocket.OPEN && textView.value.trim() !== "") {
    socket.send(JSON.stringify({type: "message", text: textView.value}));
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
  if (socket.readyState === WebSocket.OPEN) {
    socket.close(1000);
  }
};

document.getElementById("connect-button").onclick = connect;

connect();
