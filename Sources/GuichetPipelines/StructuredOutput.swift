import GuichetLLM
import Logging
import Synchronization

/// Asks for JSON of a known shape: with a JSON schema where the model server takes one (the
/// server then cannot answer in another shape: llama.cpp turns it into a grammar), else with
/// plain JSON mode. A server that refuses the request with the schema (HTTP 4xx) and answers it
/// without is remembered, and JSON mode is used from then on: a server that does not know
/// `json_schema` costs one extra call, once per runner.
final class StructuredOutput: Sendable {
    private let schemaRefused = Mutex(false)

    /// `request` with `schema` added, unless the server refused schemas before.
    func complete(_ request: ChatRequest, schema: ChatRequest.JSONSchema, client: any ChatClient, logger: Logger) async throws -> ChatCompletion {
        var withSchema = request
        withSchema.jsonMode = true
        guard !schemaRefused.withLock({ $0 }) else { return try await client.complete(withSchema) }
        withSchema.jsonSchema = schema
        do {
            return try await client.complete(withSchema)
        } catch let e as LLMError where e.code == .clientError {
            withSchema.jsonSchema = nil
            let answer = try await client.complete(withSchema)
            // Refused with the schema, answered without it: the schema was the problem.
            let first = schemaRefused.withLock { refused in defer { refused = true }; return !refused }
            if first {
                logger.notice("the model server refused a JSON schema; asking for JSON without one from now on",
                              metadata: ["guichet.llm.status": "\(e.httpStatus ?? 0)"])
            }
            return answer
        }
    }

    /// The shape of a `findings` answer: items of the pipeline's categories, each with a
    /// statement and a quote.
    static func findingsSchema(categories: [String]) -> ChatRequest.JSONSchema {
        let item: JSONValue = [
            "type": "object",
            "properties": [
                "category": ["type": "string", "enum": .array(categories.map { .string($0) })],
                "statement": ["type": "string"],
                "quote": ["type": "string"],
            ],
            "required": ["category", "statement", "quote"],
            "additionalProperties": false,
        ]
        return .init(name: "findings", schema: [
            "type": "object",
            "properties": ["items": ["type": "array", "items": item]],
            "required": ["items"],
            "additionalProperties": false,
        ])
    }

    /// The shape of a consolidation answer: groups of point numbers.
    static let groupsSchema = ChatRequest.JSONSchema(name: "groups", schema: [
        "type": "object",
        "properties": ["groups": ["type": "array", "items": ["type": "array", "items": ["type": "integer"]]]],
        "required": ["groups"],
        "additionalProperties": false,
    ])
}
