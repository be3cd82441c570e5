//! The attribute tables of the eight kinds: the one source of truth for checking,
//! LSP completion and hover, formatting order, reference docs and the JSON Schema.
