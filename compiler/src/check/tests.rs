//! Checker tests (filled in once the parser lands).
