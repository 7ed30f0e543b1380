//! One integration-test crate: end-to-end runs of the real binary on fixture projects (one module
//! per feature), property tests, the spec corpora, and the layering check. One crate links typst
//! once instead of once per test file.

mod common;

mod cache;
mod citations;
mod citeproc;
mod config;
mod economy;
mod editions;
mod epub;
mod epub_fonts;
mod extraction;
mod faults;
mod figures;
mod fuzz;
mod fuzz_inputs;
mod guide;
mod hostile;
mod kinds;
mod labels;
mod layers;
mod new;
mod pagelist;
mod pdf;
mod people;
mod press;
mod print;
mod release;
mod robust;
mod scripts;
mod shards;
mod spec;
mod themes;
mod translate;
mod watch;
mod web;
