import Foundation
import GuichetConfig
import GuichetCore
import Testing

struct WebAndNotificationConfigTests {
    @Test func webDefaultsAreLoopbackAndNotificationsOff() throws {
        let c = try ConfigurationLoader.parse("")
        #expect(c.web.enabled && c.web.host == "127.0.0.1" && c.web.port == 8080)
        #expect(!c.web.secureCookies)
        #expect(c.notifications.email == nil && c.notifications.webhook == nil)
    }

    @Test func webAndNotificationKeysAreRead() throws {
        let c = try ConfigurationLoader.parse("""
            [web]
            host = "0.0.0.0"
            port = 9443
            public_url = "https://guichet.mairie.local"
            secure_cookies = true
            max_upload_mb = 5
            max_login_attempts = 3
            [notifications]
            interval = 600
            [notifications.email]
            url = "smtp://relais.mairie.local:587"
            starttls = true
            from = "guichet@mairie.local"
            to = ["dgs@mairie.local", "secretariat@mairie.local"]
            password_file = "/etc/guichet/smtp.secret"
            [notifications.webhook]
            url = "https://chat.mairie.local/hooks/guichet"
            """)
        #expect(c.web.host == "0.0.0.0" && c.web.port == 9443 && c.web.secureCookies)
        #expect(c.web.maxUploadBytes == 5 * 1024 * 1024 && c.web.maxLoginAttempts == 3)
        #expect(c.web.publicURL == "https://guichet.mairie.local")
        #expect(c.notifications.interval == 600)
        #expect(c.notifications.email?.to == ["dgs@mairie.local", "secretariat@mairie.local"])
        #expect(c.notifications.email?.starttls == true)
        #expect(c.notifications.email?.passwordFile == "/etc/guichet/smtp.secret")
        #expect(c.notifications.webhook?.url == "https://chat.mairie.local/hooks/guichet")
    }

    @Test func secretsInTheFileAndIncompleteChannelsAreRefused() throws {
        let text = """
            [web]
            port = 0
            prot = 80
            [notifications.email]
            url = "smtp://x"
            password = "hunter2-secret"
            [notifications.webhook]
            secret = "tok-secret"
            """
        let error = try #require(throws: ConfigurationError.self) { try ConfigurationLoader.parse(text) }
        let byKey = Dictionary(error.problems.map { ($0.key, $0.reason) }, uniquingKeysWith: { a, _ in a })
        #expect(byKey["web.port"] != nil)
        #expect(byKey["web.prot"]?.contains("port") == true)
        #expect(byKey["notifications.email.password"]?.contains("password_file") == true)
        #expect(byKey["notifications.email"]?.contains("from") == true)
        #expect(byKey["notifications.webhook.secret"]?.contains("secret_file") == true)
        #expect(byKey["notifications.webhook"]?.contains("url") == true)
        #expect(!error.description.contains("hunter2-secret") && !error.description.contains("tok-secret"))
    }
}
