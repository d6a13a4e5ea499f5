/// `format.js`: how the console writes times, payloads and close codes. Every text a client chose
/// is shown through `textContent` (never as HTML), and its control characters are spelled out.
enum ConsoleFormatScript {
    static let text = #"""
// wsdev console: formatting.
const CLOSE_NAMES = {
  1000: "normal", 1001: "going away", 1002: "protocol error", 1003: "unsupported data", 1005: "no code",
  1006: "connection lost", 1007: "invalid text", 1008: "policy violation", 1009: "too big",
  1010: "extension missing", 1011: "server error", 1014: "bad gateway",
};

export function closeName(code) {
  if (code === undefined || code === null) return "no code";
  if (CLOSE_NAMES[code]) return code + " " + CLOSE_NAMES[code];
  return code >= 4000 ? code + " (application)" : String(code);
}

/// Control characters as escapes, so a message cannot break the log's lines or hide text.
export function visible(text) {
  return String(text).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    return "\\u{" + c.charCodeAt(0).toString(16) + "}";
  });
}

/// "00ff10" as "00 ff 10".
export function spacedHex(hex) {
  return (hex || "").replace(/(..)(?=.)/g, "$1 ");
}

export function clock(ms) {
  const d = new Date(ms);
  const two = (n) => String(n).padStart(2, "0");
  return two(d.getHours()) + ":" + two(d.getMinutes()) + ":" + two(d.getSeconds()) + "." + String(d.getMilliseconds()).padStart(3, "0");
}

export function bytes(n) {
  if (n < 1024) return n + " B";
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + " KiB";
  return (n / 1024 / 1024).toFixed(1) + " MiB";
}

export function age(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return s + " s";
  if (s < 3600) return Math.floor(s / 60) + " min " + (s % 60) + " s";
  return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min";
}

/// Hex typed by a person ("00 ff 10", "0x00,0xff") as bytes; null when it is not hex.
export function parseHex(text) {
  const digits = text.replace(/0x/gi, "").replace(/[\s,:]/g, "");
  if (digits.length % 2 !== 0 || /[^0-9a-f]/i.test(digits)) return null;
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.substr(i * 2, 2), 16);
  return out;
}

export function hexOf(buffer, limit = 64) {
  const view = new Uint8Array(buffer);
  let out = "";
  for (let i = 0; i < Math.min(view.length, limit); i++) out += view[i].toString(16).padStart(2, "0");
  return out;
}

"""#
}
