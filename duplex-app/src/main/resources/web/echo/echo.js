// The tutorials' echo page: open/message/close/error handlers on a browser WebSocket,
// a text field, a send button, a stop button, and a picture sent as binary.
"use strict";

const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/echo";
const label = document.getElementById("status-label");
const textView = document.getElementById("text-view");
const log = document.getElementById("log");
let socket;
let failed = false;

document.getElementById("socket-url").textContent = url;

function setStatus(text, kind) {
  label.textContent = text;
  label.className = "status " + (kind || "");
}

function addEntry(direction, text, node) {
  const item = document.createElement("li");
  item.className = direction;
  const tag = document.createElement("span");
  tag.className = "tag";
  tag.textContent = direction === "sent" ? "SENT" : direction === "received" ? "RECEIVED" : "INFO";
  const body = document.createElement("span");
  body.className = "body";
  body.textContent = text;
  item.append(tag, body);
  if (node) item.append(node);
  log.append(item);
  item.scrollIntoView({block: "nearest"});
}

function connect() {
  failed = false;
  setStatus("Connecting…");
  socket = new WebSocket(url);
  socket.binaryType = "blob";

  socket.onopen = function () {
    setStatus("Connection established!", "open");
    document.getElementById("connect-button").hidden = true;
  };

  socket.onmessage = function (event) {
    if (typeof event.data === "string") {
      addEntry("received", event.data);
    } else {
      const image = document.createElement("img");
      image.className = "echoed-image";
      image.alt = "echoed picture";
      image.src = URL.createObjectURL(event.data);
      addEntry("received", "picture, " + event.data.size + " bytes", image);
    }
  };

  socket.onerror = function () {
    failed = true;
    setStatus("Error: the connection to " + url + " failed", "error");
  };

  socket.onclose = function (event) {
    document.getElementById("connect-button").hidden = false;
    // 1005: the close frame had no code, which is how a bare close() ends.
    if (event.wasClean && (event.code === 1000 || event.code === 1005)) {
      setStatus("Connection closed normally.", "closed");
    } else if (!failed) {
      setStatus("Connection closed with message " + event.reason + " (Code: " + event.code + ")", "error");
    }
    addEntry("info", "closed, code " + event.code + (event.reason ? ", reason " + event.reason : ""));
  };
}

document.getElementById("send-form").onsubmit = function (event) {
  event.preventDefault();
  // Check if the connection is open.
  if (socket.readyState === WebSocket.OPEN && textView.value !== "") {
    socket.send(textView.value);
    addEntry("sent", textView.value);
    textView.value = "";
  }
};

document.getElementById("stop-button").onclick = function () {
  // Close the connection, if open.
  if (socket.readyState === WebSocket.OPEN) {
    socket.close(1000);
  }
};

document.getElementById("connect-button").onclick = connect;
document.getElementById("clear-button").onclick = function () { log.replaceChildren(); };

document.getElementById("image-picker").onchange = function (event) {
  const file = event.target.files[0];
  if (!file || socket.readyState !== WebSocket.OPEN) return;
  file.arrayBuffer().then(function (bytes) {
    socket.send(bytes);
    addEntry("sent", "picture " + file.name + ", " + bytes.byteLength + " bytes");
    event.target.value = "";
  });
};

connect();
