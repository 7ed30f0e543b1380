//! What the binary runs, one file per subcommand: `build` (build and check), `manifest` (merge), `new`, `status`, `watch`,
//! `typst` (the hidden floor for benchmarks). Each returns its exit code.

pub mod build;
pub mod manifest;
pub mod new;
pub mod status;
pub mod translate;
pub mod typst;
pub mod watch;
