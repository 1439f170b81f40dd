import Foundation
@testable import GuichetWebDriver
import Testing

/// The wire format, without a browser: these run everywhere.
struct WebDriverProtocolTests {
    @Test func w3cErrorAnswerBecomesWebDriverError() throws {
        // As chromedriver 156 answers a missing element (stack trace shortened).
        let answer = #"""
            {"value":{"error":"no such element","message":"no such element: Unable to locate element: {\"method\":\"css selector\",\"selector\":\"#x\"}\n  (Session info: chrome=156.0.8078.108)","stacktrace":"#0 0x55d4 <unknown>\n"}}
            """#
        let error = #expect(throws: WebDriverError.self) {
            try WebDriverTransport.unwrap(Data(answer.utf8), status: 404, command: "POST /element")
        }
        #expect(error?.code == .noSuchElement)
        #expect(error?.httpStatus == 404)
        #expect(error?.message == ##"no such element: Unable to locate element: {"method":"css selector","selector":"#x"}"##)
        #expect(error?.explanation.contains("selector") == true)
        #expect(error?.description.contains("[POST /element]") == true)
    }

    @Test func unknownCodesKeepTheirNameAndAGenericExplanation() throws {
        let error = #expect(throws: WebDriverError.self) {
            try WebDriverTransport.unwrap(Data(#"{"value":{"error":"detached shadow root","message":"gone"}}"#.utf8), status: 404)
        }
        #expect(error?.code.rawValue == "detached shadow root")
        #expect(error?.explanation.isEmpty == false)
    }

    @Test func successAnswerYieldsItsValue() throws {
        let value = try WebDriverTransport.unwrap(Data(#"{"value":{"ready":true,"build":{"version":"1.2.3"}}}"#.utf8), status: 200)
        #expect(value["ready"]?.boolValue == true)
        #expect(value["build"]?["version"]?.stringValue == "1.2.3")
        #expect(try WebDriverTransport.unwrap(Data(#"{"value":null}"#.utf8), status: 200).isNull)
    }

    @Test func nonWebDriverAnswersAreInvalidResponses() {
        for (body, status) in [("<html>proxy error</html>", 502), (#"{"status":0}"#, 200), ("", 200)] {
            let error = #expect(throws: WebDriverError.self) { try WebDriverTransport.unwrap(Data(body.utf8), status: status) }
            #expect(error?.code == .invalidResponse)
            #expect(error?.httpStatus == status)
        }
        let error = #expect(throws: WebDriverError.self) {
            try WebDriverTransport.unwrap(Data(#"{"value":"odd"}"#.utf8), status: 500)
        }
        #expect(error?.code == .unknownError)
    }

    @Test func headlessCapabilitiesCarryTheRequiredArguments() throws {
        let profile = URL(fileURLWithPath: "/tmp/profile-x")
        let body = ChromeOptions.headless().capabilities(binary: URL(fileURLWithPath: "/usr/bin/chromium"), userDataDirectory: profile)
        let options = try #require(body["capabilities"]?["alwaysMatch"]?["goog:chromeOptions"])
        #expect(options["binary"]?.stringValue == "/usr/bin/chromium")
        let args = (options["args"]?.arrayValue ?? []).compactMap(\.stringValue)
        for required in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=/tmp/profile-x"] {
            #expect(args.contains(required), "missing \(required) in \(args)")
        }
        #expect(body["capabilities"]?["alwaysMatch"]?["browserName"]?.stringValue == "chrome")
    }

    @Test func jsonValueKeepsBooleansNumbersAndNulls() throws {
        let text = #"{"a":true,"b":1,"c":null,"d":[false,"x"],"e":{"f":2.5}}"#
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(value["a"] == .bool(true))
        #expect(value["b"] == .number(1))
        #expect(value["c"] == .null)
        #expect(value["d"] == [false, "x"])
        #expect(value["e"]?["f"]?.numberValue == 2.5)
        #expect(value.description == #"{"a":true,"b":1,"c":null,"d":[false,"x"],"e":{"f":2.5}}"#)
    }

    @Test func elementReferencesUseTheW3CKey() {
        #expect(ElementID(["element-6066-11e4-a52e-4f735466cecf": "abc"])?.rawValue == "abc")
        #expect(ElementID(["ELEMENT": "abc"]) == nil)
    }

    @Test func freePortIsOnLoopbackAndUsable() throws {
        let port = try ChromeDriver.freePort()
        #expect((1024...65535).contains(port))
    }
}
