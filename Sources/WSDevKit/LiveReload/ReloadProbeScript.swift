/// The shared worker a page starts while wsdev is down: it asks for `/__wsdev/ping` until the
/// answer is 204 (a stopping server answers 503), then tells the page to reconnect and ends. Its
/// failed requests are logged in the worker's own console, not the page's, so a stopped server
/// does not fill the page's console.
enum ReloadProbeScript {
    static let source = """
        onconnect = (event) => {
          const port = event.ports[0];
          port.onmessage = ({ data }) => {
            let wait = data.delay;
            const attempt = () => {
              const abort = new AbortController();
              const timer = setTimeout(() => abort.abort(), 3000);
              const again = () => {
                clearTimeout(timer);
                wait = Math.min(wait * 2, 2000);
                setTimeout(attempt, wait);
              };
              fetch(data.url, { cache: "no-store", signal: abort.signal }).then((reply) => {
                if (!reply.ok) return again();
                clearTimeout(timer);
                port.postMessage("up");
                close();
              }, again);
            };
            setTimeout(attempt, wait);
          };
        };
        """

    /// The source as a JavaScript string literal, for the page script to hand to a Blob.
    static var quoted: String { JSONObject.quoted(source) }
}
