//! Tests of the workflow checks, on parsed sources.
