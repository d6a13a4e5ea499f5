/// The console page's markup; the script fills it in (`ConsoleScript`), the stylesheet lays it
/// out for a laptop or a phone (`ConsoleStyle`).
enum ConsoleHTML {
    static let text = #"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>wsdev console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="console.css">
<script type="module" src="console.js"></script>
</head>
<body>
<header>
  <h1>wsdev console</h1>
  <span id="status" class="status" data-state="connecting">connecting…</span>
  <div class="controls">
    <label>Endpoint <select id="filter-endpoint"><option value="">all</option></select></label>
    <label>Connection <select id="filter-connection"><option value="">all</option></select></label>
    <button id="pause" type="button" aria-pressed="false">Pause</button>
    <button id="clear" type="button">Clear</button>
  </div>
</header>
<main>
  <section id="endpoints-section">
    <h2>Endpoints</h2>
    <table id="endpoints">
      <thead><tr><th>Path</th><th>Source</th><th>Mode</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section id="send-section">
    <h2>Send</h2>
    <form id="send-connect" class="row">
      <label>Path <input id="send-path" list="send-paths" value="/echo" required autocomplete="off"></label>
      <datalist id="send-paths"></datalist>
      <label>Subprotocols <input id="send-protocols" placeholder="e.g. chat, superchat" autocomplete="off"></label>
      <button id="send-open" type="submit">Connect</button>
    </form>
    <form id="send-message">
      <textarea id="send-text" rows="3" placeholder="A message; for binary, hex such as 00 ff 10"></textarea>
      <div class="row">
        <button id="send-as-text" type="submit" disabled>Send text</button>
        <button id="send-as-binary" type="button" disabled>Send binary (hex)</button>
      </div>
    </form>
    <form id="send-close" class="row">
      <label>Code <input id="close-code" type="number" min="1000" max="4999" value="1000"></label>
      <label>Reason <input id="close-reason" maxlength="123" autocomplete="off"></label>
      <button id="send-close-button" type="submit" disabled>Close</button>
    </form>
    <ol id="send-log"></ol>
  </section>
  <section id="connections-section">
    <h2>Connections <span id="open-count" class="count">0 open</span></h2>
    <table id="connections">
      <thead><tr>
        <th>#</th><th>Endpoint</th><th>Remote</th><th>Origin</th><th>Protocol</th><th>Deflate</th><th>Age</th>
        <th>In (msgs / bytes)</th><th>Out (msgs / bytes)</th><th>State</th>
      </tr></thead>
      <tbody></tbody>
    </table>
    <p class="hint">Click a connection to see only its frames.</p>
  </section>
  <section id="log-section">
    <h2>Frames <span id="log-note" class="count"></span></h2>
    <ol id="log" aria-live="off"></ol>
  </section>
</main>
</body>
</html>

"""#
}
