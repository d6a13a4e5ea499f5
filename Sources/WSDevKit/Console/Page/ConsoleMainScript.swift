/// `console.js`: the console's state, fed by `/__wsdev/console` (see `ConsoleJSON` for the
/// events). The page keeps at most `LOG_LIMIT` log entries and, per connection, the server's
/// frame limit, so a console left open all day stays small.
enum ConsoleMainScript {
    static let text = #"""
// wsdev console: the feed and what the page knows.
import * as view from "./view.js";
import { startSendPanel } from "./send.js";

const LOG_LIMIT = 2000;
const CLOSED_KEPT = 50;

const state = {
  frameLimit: 200,
  endpoints: [],
  connections: new Map(),
  all: [],
  others: [],
  seq: 0,
  paused: false,
  unseen: 0,
  dropped: 0,
  filter: { endpoint: "", connection: "" },
};
window.wsdevConsole = state;

const token = new URLSearchParams(location.search).get("token");
const feedURL = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/__wsdev/console"
  + (token ? "?token=" + encodeURIComponent(token) : "");

function trimmed(list, limit) {
  if (list.length > limit) list.splice(0, list.length - limit);
}

function connectionFor(id, path) {
  let found = state.connections.get(id);
  if (!found) {
    found = { id, path: path || "?", endpoint: "", remote: "", origin: null, protocol: null, deflate: false, at: Date.now(),
      counts: [0, 0, 0, 0], closed: null, entries: [] };
    state.connections.set(id, found);
  }
  if (path && found.path === "?") found.path = path;
  return found;
}

function forgetOldClosed() {
  const closed = [...state.connections.values()].filter((c) => c.closed);
  for (const old of closed.slice(0, Math.max(0, closed.length - CLOSED_KEPT))) state.connections.delete(old.id);
}

/// A connection's details, from its open event or from the list of open connections (with counters).
function opened(event) {
  const c = connectionFor(event.id, event.path);
  Object.assign(c, { path: event.path, endpoint: event.endpoint, remote: event.remote, origin: event.origin,
    protocol: event.protocol, deflate: event.deflate, at: event.at });
  if (event.counts) c.counts = event.counts;
}

/// One event into the state; returns the log entry it makes, if any.
function take(event) {
  const entry = { ...event, seq: ++state.seq };
  switch (event.t) {
    case "open":
      opened(event);
      break;
    case "frame": {
      const c = connectionFor(event.id);
      entry.path = c.path;
      if (event.kind === "text" || event.kind === "binary") {
        const inbound = event.dir === "in";
        c.counts[inbound ? 0 : 1] += 1;
        c.counts[inbound ? 2 : 3] += event.size;
      }
      break;
    }
    case "close":
      connectionFor(event.id).closed = event.summary;
      entry.path = connectionFor(event.id).path;
      break;
    case "failed":
    case "log":
      if (event.id !== undefined) connectionFor(event.id, event.path);
      break;
    case "refused":
      break;
    default:
      return null;
  }
  if (event.id !== undefined) {
    const c = connectionFor(event.id);
    c.entries.push(entry);
    trimmed(c.entries, Math.max(state.frameLimit, 20) + 10);
  } else {
    state.others.push(entry);
    trimmed(state.others, LOG_LIMIT);
  }
  state.all.push(entry);
  trimmed(state.all, LOG_LIMIT);
  return entry;
}

export function matches(entry) {
  const f = state.filter;
  if (f.connection !== "") return entry.id === Number(f.connection);
  if (f.endpoint !== "") return entry.path === f.endpoint;
  return true;
}

/// The entries the current filter shows, oldest first: a connection's own list (so a quiet one is
/// not pushed out by a busy one), or an endpoint's connections and refusals merged.
export function shown() {
  const f = state.filter;
  if (f.connection !== "") return state.connections.get(Number(f.connection))?.entries ?? [];
  if (f.endpoint === "") return state.all;
  const lists = [...state.connections.values()].filter((c) => c.path === f.endpoint).map((c) => c.entries);
  lists.push(state.others.filter((e) => e.path === f.endpoint));
  return lists.flat().sort((a, b) => a.seq - b.seq).slice(-LOG_LIMIT);
}

function receive(message) {
  if (message.t === "hello") {
    state.connections.clear();
    state.all = [];
    state.others = [];
    state.frameLimit = message.frameLimit;
    state.endpoints = message.endpoints;
    for (const event of message.history) take(event);
    for (const event of message.connections) opened(event);
    view.rebuildLog(shown());
  } else if (message.t === "stats") {
    for (const [id, counts] of Object.entries(message.counts)) {
      const c = state.connections.get(Number(id));
      if (c) c.counts = counts;
    }
    state.endpoints = message.endpoints;
  } else {
    const added = [];
    for (const event of Array.isArray(message) ? message : [message]) {
      if (event.t === "dropped") { state.dropped += event.frames; continue; }
      const entry = take(event);
      if (entry && matches(entry)) added.push(entry);
    }
    if (state.paused) state.unseen += added.length;
    else view.appendEntries(added);
  }
  forgetOldClosed();
  view.refresh(state);
}

let delay = 250;
function connect() {
  const socket = new WebSocket(feedURL, "wsdev-console");
  socket.onopen = () => {
    delay = 250;
    view.setStatus("live", "live");
  };
  socket.onmessage = (event) => receive(JSON.parse(event.data));
  socket.onclose = (event) => {
    view.setStatus("down", event.code === 1006 ? "wsdev is not reachable; retrying…" : "closed: " + (event.reason || event.code) + "; retrying…");
    setTimeout(connect, delay);
    delay = Math.min(delay * 2, 5000);
  };
}

view.bindControls(state, {
  filterChanged() { view.rebuildLog(shown()); view.refresh(state); },
  pauseChanged() { if (!state.paused) { state.unseen = 0; view.rebuildLog(shown()); } view.refresh(state); },
  cleared() {
    state.all = [];
    state.others = [];
    state.dropped = 0;
    state.unseen = 0;
    for (const [id, c] of state.connections) { if (c.closed) state.connections.delete(id); else c.entries = []; }
    view.rebuildLog([]);
    view.refresh(state);
  },
});
setInterval(() => view.refreshAges(state), 1000);
startSendPanel(state);
connect();

"""#
}
