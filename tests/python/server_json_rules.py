"""The MCP Registry's server.json rules (schema release 2025-12-11,
https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json),
written here as a JSON Schema for the parts `pmth export --to mcp` writes.

Why not the file itself: CI reaches package registries only, not the schema's
host, and no package of the MCP project on PyPI or npm ships the released file (not the `mcp`
package; the MCP Registry that publishes it is a Go program, not an installable
package), so it cannot be pinned and installed like the other judges. This
transcription was compared by hand with the 2025-12-11 schema text and keeps
every constraint it puts on the fields pmth writes (name pattern and length,
description 1..100 characters, version, package registry types and transports,
`Package` requiring registryType, identifier and transport, remotes' transports
and their `^https?://` URL pattern, environment variables and headers as
KeyValueInput, `_meta` as an object) and, like the published schema, leaves
unknown keys open. Keep it in step when the schema release named in
compiler/src/export/mcp.rs (`SERVER_SCHEMA`) changes.
"""

SCHEMA_URL = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"

_INPUT = {
    "type": "object",
    "properties": {
        "description": {"type": "string"},
        "isRequired": {"type": "boolean"},
        "isSecret": {"type": "boolean"},
        "format": {"enum": ["string", "number", "boolean", "filepath"]},
        "value": {"type": "string"},
        "default": {"type": "string"},
        "placeholder": {"type": "string"},
        "choices": {"type": "array", "items": {"type": "string"}},
    },
}

_KEY_VALUE = {
    "allOf": [_INPUT, {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}],
}

# The released schema's StreamableHttpTransport and SseTransport `url` pattern.
_URL = {"type": "string", "pattern": "^https?://[^\\s]+$"}

SERVER_JSON_RULES = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["$schema", "name", "description", "version"],
    "properties": {
        "$schema": {"const": SCHEMA_URL},
        "name": {"type": "string", "pattern": "^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$", "minLength": 3, "maxLength": 200},
        "title": {"type": "string", "minLength": 1, "maxLength": 100},
        "description": {"type": "string", "minLength": 1, "maxLength": 100},
        "version": {"type": "string", "minLength": 1, "maxLength": 255, "not": {"const": "latest"}},
        "websiteUrl": {"type": "string", "format": "uri"},
        "packages": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["registryType", "identifier", "transport"],
                "properties": {
                    "registryType": {"enum": ["npm", "pypi", "oci", "nuget", "mcpb"]},
                    "identifier": {"type": "string", "minLength": 1},
                    "version": {"type": "string", "minLength": 1, "maxLength": 255, "not": {"const": "latest"}},
                    "transport": {
                        "type": "object",
                        "required": ["type"],
                        "properties": {"type": {"enum": ["stdio", "streamable-http", "sse"]}},
                    },
                    "environmentVariables": {"type": "array", "items": _KEY_VALUE},
                },
            },
        },
        "remotes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "url"],
                "properties": {
                    "type": {"enum": ["streamable-http", "sse"]},
                    "url": _URL,
                    "headers": {"type": "array", "items": _KEY_VALUE},
                },
            },
        },
        "_meta": {
            "type": "object",
            "properties": {"io.modelcontextprotocol.registry/publisher-provided": {"type": "object"}},
        },
    },
}
