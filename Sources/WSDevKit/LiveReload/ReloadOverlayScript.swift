/// The box a page shows over itself when one of its WebSockets was refused or failed, as Vite's
/// error overlay does: the last few messages, each as wsdev wrote it, dismissed with its button
/// or Escape. It lives in a shadow root, so the page's styles do not reach it and it does not
/// reach them. `wsdev serve --no-overlay` leaves it out (the console message stays).
enum ReloadOverlayScript {
    static let source = """
          let overlay = null;
          function dismissOverlay() { if (overlay) overlay.host.remove(); overlay = null; }
          addEventListener("keydown", (event) => { if (event.key === "Escape") dismissOverlay(); });
          function showOverlay(text) {
            if (!overlay) {
              const host = document.createElement("wsdev-overlay");
              const root = host.attachShadow({ mode: "open" });
              root.innerHTML = '<style>'
                + '.box{position:fixed;right:12px;bottom:12px;z-index:2147483647;max-width:min(36rem,calc(100vw - 24px));'
                + 'max-height:50vh;overflow:auto;background:#fff;color:#1d2330;border:2px solid #b3261e;border-radius:8px;'
                + 'box-shadow:0 6px 24px rgba(0,0,0,.25);font:14px/1.45 system-ui,sans-serif;padding:.6rem .8rem}'
                + 'header{display:flex;justify-content:space-between;align-items:center;font-weight:600;color:#b3261e}'
                + 'button{font:inherit;border:0;background:none;font-size:1.3rem;cursor:pointer;color:#1d2330}'
                + 'ol{margin:.3rem 0;padding-left:1.2rem}li{margin:.2rem 0;white-space:pre-wrap;overflow-wrap:anywhere}'
                + 'footer{color:#5d6475;font-size:12px}</style>'
                + '<div class="box" role="alert"><header>wsdev: a WebSocket of this page failed'
                + '<button type="button" title="Dismiss (Esc)" aria-label="Dismiss">×</button></header><ol></ol>'
                + '<footer>Also in the browser console. wsdev serve --no-overlay turns this box off.</footer></div>';
              root.querySelector("button").onclick = dismissOverlay;
              overlay = { host, list: root.querySelector("ol") };
            }
            const item = document.createElement("li");
            item.textContent = text;
            overlay.list.append(item);
            while (overlay.list.childElementCount > 5) overlay.list.firstElementChild.remove();
            if (!overlay.host.isConnected) (document.body || document.documentElement).append(overlay.host);
          }

        """
}
