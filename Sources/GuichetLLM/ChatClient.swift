/// The seam the rest of Guichet uses to talk to a language model.
///
/// `CurlChatClient` is the production implementation; tests of other modules can provide a fake.
public protocol ChatClient: Sendable {
    /// Sends one chat completion request, retrying transient failures internally.
    ///
    /// - Throws: `LLMError` (check `isTransient` to decide whether to re-queue the job).
    func complete(_ request: ChatRequest) async throws -> ChatCompletion
}
