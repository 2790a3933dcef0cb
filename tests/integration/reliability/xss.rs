//! Issue 18: see mod.rs.
