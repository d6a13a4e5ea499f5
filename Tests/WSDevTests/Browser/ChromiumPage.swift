import Foundation

extension Chromium {
    /// One tab's session.
    struct Page {
        let browser: Chromium
        let session: String

        @discardableResult
        func call(_ method: String, _ params: [String: Any] = [:], timeout: TimeInterval = patience) throws -> [String: Any] {
            try browser.call(method, params, session: session, timeout: timeout)
        }

        /// Records what the browser logs on this page (failed requests and connections) in `logEntries`.
        func enableLog() throws {
            try call("Log.enable")
        }

        /// Navigates and waits for the load event (document.readyState "complete").
        func navigate(to url: String, timeout: TimeInterval = patience) throws {
            let result = try call("Page.navigate", ["url": url], timeout: timeout)
            if let error = result["errorText"] as? String, !error.isEmpty {
                throw Failure(description: "navigating to \(url) failed: \(error)")
            }
            try browser.waitUntil(timeout: timeout, "\(url) to load") {
                try evaluate("document.readyState") as? String == "complete"
            }
        }

        /// Value of a JavaScript expression (promises awaited); throws if it threw.
        func evaluate(_ expression: String) throws -> Any? {
            let result = try call("Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
            if let details = result["exceptionDetails"] as? [String: Any] {
                let exception = details["exception"] as? [String: Any] ?? [:]
                throw Failure(description: "\(expression) threw: \(exception["description"] ?? details["text"] ?? details)")
            }
            let value = (result["result"] as? [String: Any])?["value"]
            return value is NSNull ? nil : value
        }

        /// Clicks with the mouse, as a user would, at a viewport point.
        func click(x: Double, y: Double) throws {
            try call("Input.dispatchMouseEvent", ["type": "mouseMoved", "x": x, "y": y])
            try call("Input.dispatchMouseEvent", ["type": "mousePressed", "x": x, "y": y, "button": "left", "buttons": 1, "clickCount": 1])
            try call("Input.dispatchMouseEvent", ["type": "mouseReleased", "x": x, "y": y, "button": "left", "buttons": 0, "clickCount": 1])
        }

        /// A PNG of the viewport.
        func screenshot() throws -> Data {
            let result = try call("Page.captureScreenshot", ["format": "png"])
            guard let base64 = result["data"] as? String, let data = Data(base64Encoded: base64) else {
                throw Failure(description: "Page.captureScreenshot returned no image")
            }
            return data
        }
    }
}
