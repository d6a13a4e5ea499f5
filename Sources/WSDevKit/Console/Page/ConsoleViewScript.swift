/// `view.js`: the console's tables and log, drawn from the state `console.js` keeps. Rows are
/// reused by connection id, and the log holds at most `DOM_LIMIT` lines, so a busy server does
/// not make the page slower by the minute.
enum ConsoleViewScript {
    static let text = #"""
// wsdev console: drawing.
import { age, bytes, clock, closeName, spacedHex, visible } from "./format.js";

const DOM_LIMIT = 1000;
const $ = (id) => document.getElementById(id);

function element(tag, className, text, label) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  if (label) node.dataset.label = label;
  return node;
}

export function setStatus(stateName, text) {
  $("status").dataset.state = stateName;
  $("status").textContent = text;
}

/// What one log line says: [time, who, direction, kind, size, body, classes].
function describe(entry) {
  const who = entry.id !== undefined ? "#" + entry.id + " " + (entry.path || "") : entry.path || "";
  switch (entry.t) {
    case "frame": {
      const arrow = entry.dir === "in" ? "→" : "←";
      let body = "";
      if (entry.kind === "text") body = visible(entry.text);
      else if (entry.kind === "close") body = closeName(entry.code) + (entry.reason ? " — " + visible(entry.reason) : "");
      else body = spacedHex(entry.hex);
      return [who, arrow, entry.kind, bytes(entry.size), body, "dir-" + entry.dir];
    }
    case "open": {
      const details = ["from " + entry.remote];
      if (entry.origin) details.push("origin " + visible(entry.origin));
      if (entry.protocol) details.push("protocol " + visible(entry.protocol));
      if (entry.deflate) details.push("permessage-deflate");
      return [who, "", "open", "", details.join(" · "), "life"];
    }
    case "close": return [who, "", "closed", "", entry.summary, "life"];
    case "refused": return [who, "✕", "refused", String(entry.status), visible(entry.reason) + " (from " + entry.remote + ")", "problem"];
    case "failed": return [who, "✕", "failed", String(entry.code), visible(entry.reason), "problem"];
    case "log": return [who, "", "stderr", "", visible(entry.line), "life"];
    default: return [who, "", entry.t, "", "", ""];
  }
}

function line(entry) {
  const [who, arrow, kind, size, body, kindClass] = describe(entry);
  const item = element("li", kindClass);
  item.dataset.kind = entry.t === "frame" ? entry.kind : entry.t;
  if (entry.dir) item.dataset.dir = entry.dir;
  if (entry.id !== undefined) item.dataset.id = entry.id;
  if (entry.code !== undefined) item.dataset.code = entry.code;
  item.append(element("span", "time", clock(entry.at)), element("span", "who", who), element("span", "dir", arrow),
    element("span", "kind", kind), element("span", "size", size), element("span", "body" + (entry.cut ? " cut" : ""), body));
  return item;
}

export function appendEntries(entries) {
  if (entries.length === 0) return;
  const log = $("log");
  const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
  const batch = document.createDocumentFragment();
  for (const entry of entries.slice(-DOM_LIMIT)) batch.append(line(entry));
  log.append(batch);
  while (log.childElementCount > DOM_LIMIT) log.firstElementChild.remove();
  if (atBottom) log.scrollTop = log.scrollHeight;
}

export function rebuildLog(entries) {
  $("log").replaceChildren();
  appendEntries(entries);
}

function cells(row, values) {
  while (row.cells.length < values.length) row.append(element("td"));
  values.forEach(([label, text], index) => {
    const cell = row.cells[index];
    cell.dataset.label = label;
    if (cell.textContent !== text) cell.textContent = text;
  });
}

function renderEndpoints(state) {
  const body = $("endpoints").tBodies[0];
  const wanted = state.endpoints.map((e) => e.path).join("\n");
  if (body.dataset.paths === wanted + JSON.stringify(state.endpoints)) return;
  body.dataset.paths = wanted + JSON.stringify(state.endpoints);
  body.replaceChildren(...state.endpoints.map((e) => {
    const row = element("tr");
    cells(row, [["Path", e.path + (e.also ? " (also " + e.also + ")" : "")], ["Source", e.source], ["Mode", e.mode]]);
    return row;
  }));
  $("send-paths").replaceChildren(...state.endpoints.map((e) => Object.assign(element("option"), { value: e.path })));
}

function renderConnections(state) {
  const body = $("connections").tBodies[0];
  const rows = new Map([...body.rows].map((row) => [Number(row.dataset.id), row]));
  const now = Date.now();
  let open = 0;
  const ordered = [...state.connections.values()].sort((a, b) => a.id - b.id);
  for (const c of ordered) {
    let row = rows.get(c.id);
    rows.delete(c.id);
    if (!row) {
      row = element("tr");
      row.dataset.id = c.id;
      row.addEventListener("click", () => selectConnection(state, c.id));
    }
    body.append(row);
    if (!c.closed) open += 1;
    row.classList.toggle("closed", !!c.closed);
    row.classList.toggle("selected", state.filter.connection === String(c.id));
    cells(row, [["#", String(c.id)], ["Endpoint", c.path], ["Remote", c.remote], ["Origin", c.origin ? visible(c.origin) : "none"],
      ["Protocol", c.protocol ? visible(c.protocol) : "none"], ["Deflate", c.deflate ? "yes" : "no"],
      ["Age", c.closed ? "" : age(now - c.at)], ["In", c.counts[0] + " / " + bytes(c.counts[2])],
      ["Out", c.counts[1] + " / " + bytes(c.counts[3])], ["State", c.closed ? "closed " + c.closed : "open"]]);
  }
  for (const row of rows.values()) row.remove();
  $("open-count").textContent = open + " open";
}

export function refreshAges(state) {
  const now = Date.now();
  for (const row of $("connections").tBodies[0].rows) {
    const c = state.connections.get(Number(row.dataset.id));
    if (c && !c.closed && row.cells[6]) row.cells[6].textContent = age(now - c.at);
  }
}

function options(select, values, current) {
  const wanted = ["", ...values.map(([value]) => value)];
  const have = [...select.options].map((o) => o.value);
  if (wanted.join("\n") !== have.join("\n")) {
    select.replaceChildren(Object.assign(element("option", "", "all"), { value: "" }),
      ...values.map(([value, text]) => Object.assign(element("option", "", text), { value })));
  }
  select.value = wanted.includes(current) ? current : "";
}

export function refresh(state) {
  renderEndpoints(state);
  renderConnections(state);
  const paths = new Set(state.endpoints.map((e) => e.path));
  for (const c of state.connections.values()) paths.add(c.path);
  for (const e of state.others) if (e.path) paths.add(e.path);
  options($("filter-endpoint"), [...paths].sort().map((p) => [p, p]), state.filter.endpoint);
  const ids = [...state.connections.values()].sort((a, b) => a.id - b.id).map((c) => [String(c.id), "#" + c.id + " " + c.path]);
  options($("filter-connection"), ids, state.filter.connection);
  const notes = [];
  if (state.paused) notes.push("paused" + (state.unseen ? ", " + state.unseen + " new" : ""));
  if (state.dropped) notes.push(state.dropped + " frames not shown: they came faster than a console can show them");
  $("log-note").textContent = notes.join(" · ");
}

let handlers = null;
function selectConnection(state, id) {
  state.filter.connection = state.filter.connection === String(id) ? "" : String(id);
  handlers.filterChanged();
}

export function bindControls(state, given) {
  handlers = given;
  $("filter-endpoint").addEventListener("change", (e) => { state.filter.endpoint = e.target.value; state.filter.connection = ""; handlers.filterChanged(); });
  $("filter-connection").addEventListener("change", (e) => { state.filter.connection = e.target.value; handlers.filterChanged(); });
  $("pause").addEventListener("click", (e) => {
    state.paused = !state.paused;
    e.target.setAttribute("aria-pressed", String(state.paused));
    e.target.textContent = state.paused ? "Resume" : "Pause";
    handlers.pauseChanged();
  });
  $("clear").addEventListener("click", () => handlers.cleared());
}

"""#
}
