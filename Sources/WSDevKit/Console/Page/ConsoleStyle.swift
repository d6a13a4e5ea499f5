/// The console's stylesheet: tables and a log on a laptop; below 720 px wide (a phone), every
/// table row becomes a small card and the sections stack.
enum ConsoleStyle {
    static let text = #"""
:root { --ink: #1d2330; --muted: #5d6475; --line: #d9dce5; --paper: #fbfbfd; --in: #1b5fc1; --out: #167a4a; --bad: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--paper); }
header { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem;
  padding: .5rem 1rem; background: #1d2330; color: #fff; }
h1 { font-size: 1.05rem; margin: 0; }
h2 { font-size: .95rem; margin: 0 0 .4rem; }
.controls { display: flex; flex-wrap: wrap; gap: .4rem .8rem; align-items: center; margin-left: auto; }
.controls label { color: #cfd3de; }
select, input, textarea, button { font: inherit; }
button { padding: .2rem .7rem; border: 1px solid #8a93a8; border-radius: 4px; background: #fff; color: var(--ink); cursor: pointer; }
button[aria-pressed="true"] { background: #f4c542; }
button:disabled { opacity: .5; cursor: default; }
.status { padding: .05rem .5rem; border-radius: 999px; font-size: .8rem; background: #6b7280; }
.status[data-state="live"] { background: #167a4a; }
.status[data-state="down"] { background: var(--bad); }
main { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1rem; padding: 1rem; }
section { min-width: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; }
#connections-section, #log-section { grid-column: 1 / -1; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: .2rem .4rem; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
th { font-weight: 600; color: var(--muted); font-size: .8rem; }
#connections tbody tr { cursor: pointer; }
#connections tbody tr:hover { background: #f1f4fa; }
#connections tr.selected { background: #e4ecfb; }
#connections tr.closed { color: var(--muted); }
.count, .hint { color: var(--muted); font-weight: normal; font-size: .8rem; }
.hint { margin: .3rem 0 0; }
#log { list-style: none; margin: 0; padding: 0; max-height: 60vh; overflow-y: auto; font: 12.5px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
#log li { display: grid; grid-template-columns: 7.5em 7em 2.2em 4.2em 5.5em minmax(0, 1fr); gap: .5em; padding: .1rem .2rem; border-bottom: 1px solid #f0f1f5; }
#log .dir-in .dir { color: var(--in); }
#log .dir-out .dir { color: var(--out); }
#log .problem { background: #fdecea; color: var(--bad); }
#log .life { color: var(--muted); }
#log .body { white-space: pre-wrap; overflow-wrap: anywhere; }
#log .cut::after, #send-log .cut::after { content: " …"; color: var(--muted); }
.row { display: flex; flex-wrap: wrap; gap: .4rem .8rem; align-items: end; margin: .3rem 0; }
.row label { display: flex; flex-direction: column; font-size: .8rem; color: var(--muted); }
textarea { width: 100%; margin-top: .4rem; font-family: ui-monospace, Menlo, Consolas, monospace; }
#close-code { width: 6em; }
#send-log { list-style: none; margin: .4rem 0 0; padding: 0; max-height: 14rem; overflow-y: auto; font: 12.5px/1.4 ui-monospace, Menlo, Consolas, monospace; }
#send-log li { border-bottom: 1px solid #f0f1f5; white-space: pre-wrap; overflow-wrap: anywhere; }
#send-log .error { color: var(--bad); }

/* A phone: one column, and each table row a card whose cells say what they are. */
@media (max-width: 720px) {
  main { grid-template-columns: minmax(0, 1fr); padding: .5rem; gap: .5rem; }
  /* What is happening first; the reference and the send panel below it. */
  #connections-section { order: 1; }
  #log-section { order: 2; }
  #send-section { order: 3; }
  #endpoints-section { order: 4; }
  header { position: static; }
  .controls { margin-left: 0; }
  thead { display: none; }
  table, tbody, tr, td { display: block; width: 100%; }
  tr { border-bottom: 2px solid var(--line); padding: .3rem 0; }
  td { border: none; padding: .05rem 0; }
  td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); font-size: .8rem; }
  #log li { grid-template-columns: auto auto auto auto; }
  #log .body { grid-column: 1 / -1; }
}

"""#
}
