/// `send.js`: the send panel. It opens its own WebSocket from the browser, as any page would, so
/// what it sends and receives also shows in the log as one more connection.
enum ConsoleSendScript {
    static let text = #"""
// wsdev console: the send panel.
import { closeName, hexOf, parseHex, spacedHex, visible } from "./format.js";

const $ = (id) => document.getElementById(id);
const SEND_LOG_LIMIT = 200;
let socket = null;

function note(text, className, cut) {
  const item = document.createElement("li");
  item.textContent = new Date().toTimeString().slice(0, 8) + "  " + text;
  if (className) item.className = className;
  if (cut) item.classList.add("cut");
  const log = $("send-log");
  log.append(item);
  while (log.childElementCount > SEND_LOG_LIMIT) log.firstElementChild.remove();
  log.scrollTop = log.scrollHeight;
}

function setOpen(open) {
  for (const id of ["send-as-text", "send-as-binary", "send-close-button"]) $(id).disabled = !open;
  $("send-open").textContent = open ? "Reconnect" : "Connect";
}

function connect() {
  if (socket) socket.close(1000, "reconnecting from the console");
  let path = $("send-path").value.trim();
  if (!path.startsWith("/")) path = "/" + path;
  const protocols = $("send-protocols").value.split(",").map((p) => p.trim()).filter(Boolean);
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
  let opened;
  try {
    opened = new WebSocket(url, protocols);
  } catch (error) {
    note("cannot connect: " + error.message, "error");
    return;
  }
  socket = opened;
  opened.binaryType = "arraybuffer";
  note("connecting to " + url + (protocols.length ? " offering " + protocols.join(", ") : ""));
  opened.onopen = () => {
    if (socket !== opened) return;
    setOpen(true);
    note("open" + (opened.protocol ? ", protocol " + opened.protocol : "") + (opened.extensions ? ", " + opened.extensions : ""));
  };
  opened.onmessage = (event) => {
    if (typeof event.data === "string") note("← " + visible(event.data));
    else note("← binary " + event.data.byteLength + " B: " + spacedHex(hexOf(event.data)), "", event.data.byteLength > 64);
  };
  opened.onerror = () => {
    if (socket === opened) note("the connection failed; the log above says why when wsdev refused it", "error");
  };
  opened.onclose = (event) => {
    note("closed " + closeName(event.code) + (event.reason ? " — " + visible(event.reason) : ""), event.code === 1000 ? "" : "error");
    if (socket === opened) { socket = null; setOpen(false); }
  };
}

function send(binary) {
  if (!socket || socket.readyState !== WebSocket.OPEN) return note("not connected: press Connect first", "error");
  const text = $("send-text").value;
  if (binary) {
    const data = parseHex(text);
    if (!data) return note("not hex: write bytes as pairs of hex digits, e.g. 00 ff 10", "error");
    socket.send(data);
    note("→ binary " + data.length + " B: " + spacedHex(hexOf(data.buffer)), "", data.length > 64);
  } else {
    socket.send(text);
    note("→ " + visible(text));
  }
}

export function startSendPanel() {
  $("send-connect").addEventListener("submit", (event) => { event.preventDefault(); connect(); });
  $("send-message").addEventListener("submit", (event) => { event.preventDefault(); send(false); });
  $("send-as-binary").addEventListener("click", () => send(true));
  $("send-text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); send(false); }
  });
  $("send-close").addEventListener("submit", (event) => {
    event.preventDefault();
    if (!socket) return note("not connected", "error");
    const code = Number($("close-code").value);
    if (!(code === 1000 || (code >= 3000 && code <= 4999))) return note("a page may close with 1000 or 3000–4999 only", "error");
    try {
      socket.close(code, $("close-reason").value);
      note("→ close " + closeName(code) + ($("close-reason").value ? " — " + visible($("close-reason").value) : ""));
    } catch (error) {
      note("cannot close so: " + error.message, "error");
    }
  });
}

"""#
}
