/// The script every HTML page gets, and the protocol it speaks with `ReloadEndpoint`.
///
/// The page connects to a reserved path with wsdev's own subprotocol and this run's token; the
/// server sends `{"do":"reload"}`, `{"do":"restyle"}`, or `{"do":"error","text":…}` when one of
/// the page's own WebSockets was refused or failed (`PageErrors`), which the page prints with
/// `console.error` and, unless `--no-overlay`, in a small box over itself (`ReloadOverlayScript`).
/// After a server restart the old token is refused with 1008 and the page reloads once, so the
/// new run's files (and token) show. While the server is down the page waits quietly
/// (`ReloadProbeScript`) instead of logging a failed connection every few seconds.
enum ReloadScript {
    static let path = "/__wsdev/reload"
    static let subprotocol = "wsdev-reload"
    /// Close reason for a page from an earlier run; the script reloads when it sees this prefix.
    static let staleReason = "stale token: this page came from an earlier wsdev run; reloading it"
    static let reload = #"{"do":"reload"}"#
    static let restyle = #"{"do":"restyle"}"#
    /// What the waiting page asks for to learn that the server is back (`ConsolePages` answers 204).
    static let pingPath = "/__wsdev/ping"

    static func error(_ text: String) -> String {
        var object = JSONObject()
        object.add("do", "error")
        object.add("text", text)
        return object.json
    }

    /// The `<script>` element that goes into pages.
    static func element(token: String, overlay: Bool = true) -> String {
        "<script data-wsdev=\"live-reload\">\n" + source(token: token, overlay: overlay) + "</script>\n"
    }

    static func source(token: String, overlay: Bool = true) -> String {
        """
        (() => {
          // wsdev live reload: this page reloads when its files change (wsdev serve --no-reload turns it off).
          if (window.__wsdevLiveReload) return;
          window.__wsdevLiveReload = true;
          const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "\(path)?token=\(token)"
            + "&path=" + encodeURIComponent(location.pathname);
          let delay = 200;
          function restyle() {
            for (const link of document.querySelectorAll('link[rel~="stylesheet"][href]')) {
              const href = new URL(link.href, location.href);
              if (href.origin !== location.origin) continue;
              href.searchParams.set("wsdev", Date.now().toString(36));
              const fresh = link.cloneNode();
              fresh.href = href.href;
              // The old sheet stays until the new one has loaded, so nothing flashes unstyled.
              fresh.onload = fresh.onerror = () => link.remove();
              link.after(fresh);
            }
          }
          function reloadForNewRun() {
            const last = Number(sessionStorage.getItem("wsdev-new-run") || 0);
            if (Date.now() - last < 5000) { console.warn("wsdev live reload: the server keeps refusing this page's token; reload it by hand"); return; }
            sessionStorage.setItem("wsdev-new-run", String(Date.now()));
            location.reload();
          }
        \(overlay ? ReloadOverlayScript.source : "  function showOverlay() {}\n")
          // A failed WebSocket makes the browser print an error, so while the server is down a
          // shared worker (whose errors stay out of this page's console) waits for it instead.
          function waitForServer() {
            const wait = delay;
            delay = Math.min(delay * 2, 5000);
            try {
              const code = \(ReloadProbeScript.quoted);
              const worker = new SharedWorker(URL.createObjectURL(new Blob([code], { type: "text/javascript" })));
              worker.port.onmessage = () => connect();
              worker.port.postMessage({ url: location.origin + "\(pingPath)", delay: wait });
            } catch (error) {
              setTimeout(connect, wait);  // no shared workers here (some phones): try now and then
            }
          }
          function connect() {
            const socket = new WebSocket(url, "\(subprotocol)");
            socket.onopen = () => { delay = 200; };
            socket.onmessage = (event) => {
              const message = JSON.parse(event.data);
              if (message.do === "reload") location.reload();
              else if (message.do === "restyle") restyle();
              else if (message.do === "error") { console.error(message.text); showOverlay(message.text); }
            };
            socket.onclose = (event) => {
              if (event.code === 1008) {
                if (event.reason.startsWith("stale")) reloadForNewRun();
                else console.warn("wsdev live reload: " + event.reason);
                return;
              }
              // The server stopped or restarted: wait for it, more patiently each time.
              waitForServer();
            };
          }
          connect();
        })();

        """
    }
}
