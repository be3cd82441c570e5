//! End-to-end tests of the stage.
